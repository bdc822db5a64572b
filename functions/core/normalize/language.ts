/** BCP 47 language tags as feeds write them (`en-us`, `EN_GB`, `zh-hant-tw`). */

const TAG = /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/i;

/**
 * The conventional spelling of a language tag (`en-US`, `zh-Hant-TW`), or
 * null when the value is not a tag at all (`English`, `*`).
 */
export function normalizeLanguage(value: string | null): string | null {
  if (value === null) return null;
  const v = value.trim().replaceAll("_", "-");
  if (!TAG.test(v)) return null;
  const [primary, ...rest] = v.split("-");
  const subtags = rest.map((s, i) => {
    // after a singleton (x-, u-…) nothing is a region or script any more
    if (rest.slice(0, i).some((p) => p.length === 1)) return s.toLowerCase();
    if (s.length === 2 && /^[a-z]+$/i.test(s)) return s.toUpperCase();
    if (s.length === 4 && /^[a-z]+$/i.test(s))
      return s[0]?.toUpperCase() + s.slice(1).toLowerCase();
    return s.toLowerCase();
  });
  return [primary?.toLowerCase(), ...subtags].join("-");
}
