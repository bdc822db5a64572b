/**
 * xml:base resolution. Bases nest: an entry's relative base is resolved
 * against its feed's. A relative base at the top has nothing to resolve
 * against here (the document URL is not ours to know), so results stay
 * relative and the normalizer finishes the job against the document URL.
 */

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
/** Stand-in origin for resolving relative against relative; stripped afterwards. */
const STAND_IN = "https://relative.invalid/~base~/";
const STAND_IN_ORIGIN = "https://relative.invalid";

/** True when the reference carries its own scheme (`https:`, `mailto:`…). */
export function isAbsolute(ref: string): boolean {
  return SCHEME.test(ref);
}

/**
 * Resolves `ref` against `base` (either may be relative). Returns `ref`
 * unchanged when there is no base or it cannot be resolved.
 */
export function resolveAgainst(base: string | null, ref: string): string {
  if (base === null || base === "" || isAbsolute(ref)) return ref;
  try {
    if (isAbsolute(base)) return new URL(ref, base).href;
    if (base.startsWith("//")) return new URL(ref, `https:${base}`).href.slice("https:".length);
    if (ref.startsWith("//")) return ref;
    const href = new URL(ref, new URL(base, STAND_IN)).href;
    if (href.startsWith(STAND_IN)) return href.slice(STAND_IN.length);
    if (href.startsWith(STAND_IN_ORIGIN)) return href.slice(STAND_IN_ORIGIN.length);
    return href;
  } catch {
    return ref;
  }
}
