/**
 * XML through fast-xml-parser's stock `XMLParser`, then one namespace-
 * normalizing walk over its output: every element knows its namespace id (by
 * URI, never by prefix), its effective xml:base and xml:lang, and either its
 * decoded text or, for a text construct, its raw inner source.
 */

import { XMLParser } from "fast-xml-parser";
import { FeedParseError } from "../errors.ts";
import { decodeBytes } from "./byteText.ts";
import { decodeEntities } from "./entities.ts";
import { CONVENTIONAL_PREFIXES, NS, namespaceId } from "./namespaces.ts";
import { resolveAgainst } from "./xmlBase.ts";

/** fast-xml-parser's preserveOrder output: one key naming the tag, plus `:@` attributes. */
type FxpNode = Record<string, unknown>;

/** An element of the parsed document. */
export interface El {
  /** Namespace id (see namespaces.ts): `""` for none, `atom`, `dc`… or an unknown URI. */
  ns: string;
  local: string;
  /** Qualified name as written. */
  name: string;
  /** Attribute values as written (references not yet decoded); null when none. */
  attrs: Record<string, string> | null;
  children: El[];
  /** Decoded character data directly inside (CDATA kept literally), untrimmed. */
  text: string;
  /** For text constructs (the parser's stop nodes): the inner source, unparsed. */
  raw: string | null;
  /** `raw` and `src` are pieces of a byte text (byteText.ts), decoded only when read. */
  bytes: boolean;
  /** Effective xml:base (resolved through ancestors; may stay relative). */
  base: string | null;
  /** Effective xml:lang. */
  lang: string | null;
  /** In-scope prefix to namespace-id bindings. */
  prefixes: ReadonlyMap<string, string>;
  /**
   * With element children: its text pieces (decoded) and children in document
   * order, to write inline markup out again (see innerMarkup); else null. The
   * tree keeps no reference to fast-xml-parser's output, which is about as big
   * again as the tree: it is garbage once the tree is built.
   */
  mixed: (string | El)[] | null;
  /**
   * An entry (an RSS item, an Atom entry) not built yet: what builds its
   * content from fast-xml-parser's output, once, when the entry is read
   * (see `builtEntry`); null once built, and for every other element.
   */
  pending: (() => void) | null;
}

const parsers = new Map<string, XMLParser>();

/**
 * The parser for one set of stop nodes: the options are fixed, only the text
 * constructs the pre-scan found (by namespace URI) differ between documents.
 * Cached: feeds of one kind repeat the same set.
 */
function parserFor(stopNames: string[], maxDepth: number): XMLParser {
  const key = stopNames.join("|");
  let parser = parsers.get(key);
  if (parser === undefined) {
    parser = new XMLParser({
      preserveOrder: true,
      // attributes named like prototype keys make the parser refuse the whole
      // document; no feed attribute is named so: they are dropped
      ignoreAttributes: (name: string) =>
        name === "__proto__" || name === "constructor" || name === "prototype",
      attributeNamePrefix: "",
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      cdataPropName: "#cdata",
      // references are decoded by us, once, in the values we keep: nothing a
      // document declares can expand (and the DOCTYPE never reaches here)
      processEntities: false,
      htmlEntities: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      // no path strings built for callbacks we do not pass
      jPath: false,
      // the pre-scan's depth limit is the one users see
      maxNestedTags: maxDepth + 8,
      stopNodes: stopNames.map((name) => `..${name}`),
    });
    if (parsers.size > 32) parsers.clear();
    parsers.set(key, parser);
  }
  return parser;
}

function resolvePrefix(prefixes: ReadonlyMap<string, string>, prefix: string): string {
  const bound = prefixes.get(prefix);
  if (bound !== undefined) return bound;
  if (prefix === "") return NS.none;
  // undeclared but conventional (`dc:`, `media:`): what every reader assumes
  return CONVENTIONAL_PREFIXES.get(prefix) ?? `?${prefix}`;
}

/** The attributes of a byte text's element, their values decoded (its names are ASCII). */
function decodedAttributes(attrs: Record<string, string>): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const key in attrs) decoded[key] = decodeBytes(attrs[key]!);
  return decoded;
}

/** A new element under `parent`, its scope (prefixes, base, lang) worked out from its attributes. */
function newElement(name: string, node: FxpNode, parent: El | null, bytes: boolean): El {
  let attrs = (node[":@"] as Record<string, string> | undefined) ?? null;
  if (bytes && attrs) attrs = decodedAttributes(attrs);
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
    bytes,
    base,
    lang,
    prefixes,
    mixed: null,
    pending: null,
  };
}

function tagOf(node: FxpNode): string | null {
  for (const key in node) if (key !== ":@") return key;
  return null;
}

function cdataOf(node: FxpNode): string {
  const inner = (node["#cdata"] as FxpNode[] | undefined)?.[0];
  return inner ? String(inner["#text"] ?? "") : "";
}

/** An RSS item or Atom entry element, by namespace, where a feed can hold one. */
function isEntry(el: El, depth: number): boolean {
  if (depth > 2) return false;
  if (el.local === "item") return el.ns === NS.none || el.ns === NS.rss10 || el.ns === NS.rss090;
  return el.local === "entry" && (el.ns === NS.atom || el.ns === NS.atom03 || el.ns === NS.none);
}

function build(
  node: FxpNode,
  name: string,
  parent: El | null,
  stopNames: ReadonlySet<string>,
  bytes: boolean,
  depth: number,
): El {
  const el = newElement(name, node, parent, bytes);
  if (depth > 0 && isEntry(el, depth)) {
    // built when its entry is read: the entries' trees then never exist all at
    // once, and each entry's share of the parser's output goes as it is read.
    // Nothing inside an entry is deferred (depth Infinity)
    el.pending = () => fill(el, node, name, stopNames, bytes, Number.POSITIVE_INFINITY);
    return el;
  }
  fill(el, node, name, stopNames, bytes, depth);
  return el;
}

/** Reads an element's content from the parser's output: its text, children and ordered pieces. */
function fill(
  el: El,
  node: FxpNode,
  name: string,
  stopNames: ReadonlySet<string>,
  bytes: boolean,
  depth: number,
): void {
  el.pending = null;
  const src = (node[name] as FxpNode[] | undefined) ?? [];
  if (stopNames.has(name)) {
    // left as bytes: decoded when its entry is read (innerMarkup)
    el.raw = String(src[0]?.["#text"] ?? "");
    return;
  }
  const decoded = (s: string) => (bytes ? decodeBytes(s) : s);
  const pieces: (string | El)[] = [];
  for (const child of src) {
    const tag = tagOf(child);
    if (tag === "#text" || tag === "#cdata") {
      const text =
        tag === "#text" ? decodeEntities(decoded(String(child["#text"]))) : decoded(cdataOf(child));
      el.text += text;
      pieces.push(text);
    } else if (tag !== null) {
      const sub = build(child, tag, el, stopNames, bytes, depth + 1);
      el.children.push(sub);
      pieces.push(sub);
    }
  }
  if (el.children.length > 0) el.mixed = pieces;
}

/** An entry element with its content read (see `El.pending`). */
export function builtEntry(el: El): El {
  el.pending?.();
  return el;
}

/**
 * Parses a pre-scanned, well-formed body (see prescan.ts) into its root
 * element. The parser's own refusals (an element named `__proto__`, say) are
 * FeedParseErrors; anything else it throws is a bug and propagates as it is.
 * With `bytes`, the body is a byte text (byteText.ts) whose names are all
 * ASCII (the pre-scan saw to it): text and attribute values come out
 * decoded, text constructs stay bytes until read.
 */
export function parseXmlTree(
  body: string,
  stopNames: string[],
  maxDepth: number,
  source: string,
  bytes = false,
): El {
  let doc: FxpNode[];
  try {
    doc = parserFor(stopNames, maxDepth).parse(body) as FxpNode[];
  } catch (e) {
    // fast-xml-parser reports what it refuses in a document as a plain Error
    if (e instanceof Error && e.constructor === Error) {
      throw new FeedParseError(source, `malformed XML: ${e.message}`);
    }
    throw e;
  }
  const stops = new Set(stopNames);
  for (const node of doc) {
    const tag = tagOf(node);
    if (tag !== null && !tag.startsWith("#")) return build(node, tag, null, stops, bytes, 0);
  }
  throw new FeedParseError(source, "malformed XML: no root element");
}

/** An attribute's decoded value, or null. `name` is the qualified name as written. */
export function attr(el: El, name: string): string | null {
  const value = el.attrs?.[name];
  return value === undefined ? null : decodeEntities(value);
}

/** An attribute in a namespace (`rdf:about` under any prefix), decoded, or null. */
export function attrNS(el: El, ns: string, local: string): string | null {
  if (!el.attrs) return null;
  for (const key in el.attrs) {
    const colon = key.indexOf(":");
    if (colon !== -1 && key.slice(colon + 1) === local) {
      if (resolvePrefix(el.prefixes, key.slice(0, colon)) === ns) {
        return decodeEntities(el.attrs[key]!);
      }
    }
  }
  return null;
}

function escapeText(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * An element's inner markup: a text construct's raw source as written, or
 * else its children written out again (an element that holds markup without
 * being a text construct, like `<author><name>…</name></author>` read as a
 * plain string). Text comes out escaped again, which reads back the same.
 */
export function innerMarkup(el: El): string {
  if (el.raw !== null) return el.bytes ? decodeBytes(el.raw) : el.raw;
  if (el.mixed === null) return escapeText(el.text);
  let out = "";
  for (const piece of el.mixed)
    out += typeof piece === "string" ? escapeText(piece) : outerMarkup(piece);
  return out;
}

function outerMarkup(el: El): string {
  let open = `<${el.name}`;
  // attribute values are kept as written (a byte text's decoded from UTF-8 only)
  for (const key in el.attrs) open += ` ${key}="${el.attrs[key]!.replaceAll('"', "&quot;")}"`;
  const inner = innerMarkup(el);
  return inner === "" && el.raw === null && el.mixed === null
    ? `${open}/>`
    : `${open}>${inner}</${el.name}>`;
}
