/**
 * One element of the parsed tree, as both tree builders (fastTree.ts and the
 * fast-xml-parser one in xmlTree.ts) make it: namespaces resolved by URI, and
 * xml:base and xml:lang inherited from the parent.
 */
import { decodeEntities } from "./entities.ts";
import { CONVENTIONAL_PREFIXES, NS, namespaceId } from "./namespaces.ts";
import { resolveAgainst } from "./xmlBase.ts";
import type { El, SourceSpan } from "./xmlTree.ts";

export function resolvePrefix(prefixes: ReadonlyMap<string, string>, prefix: string): string {
  const bound = prefixes.get(prefix);
  if (bound !== undefined) return bound;
  if (prefix === "") return NS.none;
  // Undeclared but conventional (`dc:`, `media:`): what every reader assumes.
  return CONVENTIONAL_PREFIXES.get(prefix) ?? `?${prefix}`;
}

/** A new element under `parent`, its scope (prefixes, base, lang) worked out from its attributes. */
export function newElement(
  name: string,
  attrs: Record<string, string> | null,
  parent: El | null,
  src: El["src"],
  span: SourceSpan | null,
): El {
  let prefixes = parent?.prefixes ?? new Map<string, string>();
  let base = parent?.base ?? null;
  let lang = parent?.lang ?? null;
  if (attrs) {
    let own: Map<string, string> | null = null;
    for (const key in attrs) {
      if (key === "xmlns" || key.startsWith("xmlns:")) {
        own ??= new Map(prefixes);
        own.set(key === "xmlns" ? "" : key.slice(6), namespaceId(decodeEntities(attrs[key]!)));
      }
    }
    if (own) prefixes = own;
    const ownBase = attrs["xml:base"];
    if (ownBase !== undefined) base = resolveAgainst(base, decodeEntities(ownBase).trim());
    const ownLang = attrs["xml:lang"];
    if (ownLang !== undefined) lang = decodeEntities(ownLang).trim() || null;
  }
  const colon = name.indexOf(":");
  return {
    ns: resolvePrefix(prefixes, colon === -1 ? "" : name.slice(0, colon)),
    local: colon === -1 ? name : name.slice(colon + 1),
    name,
    attrs,
    children: [],
    text: "",
    raw: null,
    rawIsBytes: false,
    base,
    lang,
    prefixes,
    src,
    span,
  };
}
