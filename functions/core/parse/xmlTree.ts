/**
 * One fast-xml-parser pass, then one walk turning its output into a small
 * namespace-aware element tree: every element knows its namespace id (by URI),
 * its effective xml:base and xml:lang, and either its decoded text or, for a
 * text construct, its raw inner source.
 */

import { XMLParser } from "fast-xml-parser";
import { decodeBytes } from "./byteText.ts";
import { newElement, resolvePrefix } from "./element.ts";
import { decodeEntities } from "./entities.ts";
import { fastTree } from "./fastTree.ts";

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
  /**
   * For text constructs (parser stop nodes): the inner source, unparsed.
   * Read it with `innerMarkup`: it may still be bytes (see `rawIsBytes`).
   */
  raw: string | null;
  /** True when `raw` is a piece of a byte text (byteText.ts), decoded only when read. */
  rawIsBytes: boolean;
  /** Effective xml:base (resolved through ancestors; may stay relative). */
  base: string | null;
  /** Effective xml:lang. */
  lang: string | null;
  /** In-scope prefix to namespace-id bindings. */
  prefixes: ReadonlyMap<string, string>;
  /**
   * fast-xml-parser's children, kept to re-serialise inline markup in rare
   * fallbacks; null when the tree came from the fast builder (fastTree.ts),
   * which keeps `span` instead and lets fast-xml-parser re-read that part.
   */
  src: FxpNode[] | null;
  /** Where the element is in the parsed body (fast builder only). */
  span: SourceSpan | null;
}

/** An element's place in the body it was built from. */
export interface SourceSpan {
  /** `bytes`: the body is a byte text (byteText.ts). */
  doc: { body: string; stopNames: string[]; maxDepth: number; bytes: boolean };
  start: number;
  end: number;
}

const parsers = new Map<string, XMLParser>();
const UNSAFE_ATTRIBUTES = new Set(["__proto__", "constructor", "prototype"]);

/** A parser configured for this set of stop nodes (cached: feeds of one kind repeat). */
function parserFor(stopNames: string[], maxDepth: number): XMLParser {
  const key = `${maxDepth}|${stopNames.join("|")}`;
  let parser = parsers.get(key);
  if (!parser) {
    parser = new XMLParser({
      preserveOrder: true,
      // Attributes that would be prototype keys are dropped (the parser would
      // refuse the whole document over them); no feed attribute is named so.
      ignoreAttributes: (name: string) => UNSAFE_ATTRIBUTES.has(name),
      attributeNamePrefix: "",
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      cdataPropName: "#cdata",
      // Entities are decoded by us, once, in the values we keep: nothing a
      // document declares can expand (and the DOCTYPE never reaches here).
      processEntities: false,
      htmlEntities: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      removeNSPrefix: false,
      allowBooleanAttributes: true,
      jPath: false,
      maxNestedTags: maxDepth + 8,
      stopNodes: stopNames.map((name) => `..${name}`),
    });
    if (parsers.size > 32) parsers.clear();
    parsers.set(key, parser);
  }
  return parser;
}

function tagOf(node: FxpNode): string | null {
  for (const key in node) if (key !== ":@") return key;
  return null;
}

function build(node: FxpNode, name: string, parent: El | null, stopNames: ReadonlySet<string>): El {
  const attrs = (node[":@"] as Record<string, string> | undefined) ?? null;
  const el = newElement(name, attrs, parent, (node[name] as FxpNode[] | undefined) ?? [], null);
  if (stopNames.has(name)) {
    const first = el.src?.[0];
    el.raw = first ? String(first["#text"] ?? "") : "";
    return el;
  }
  let text = "";
  for (const child of el.src ?? []) {
    const tag = tagOf(child);
    if (tag === "#text") text += decodeEntities(String(child["#text"]));
    else if (tag === "#cdata") {
      const inner = (child["#cdata"] as FxpNode[] | undefined)?.[0];
      text += inner ? String(inner["#text"] ?? "") : "";
    } else if (tag !== null) el.children.push(build(child, tag, el, stopNames));
  }
  el.text = text;
  return el;
}

/**
 * Parses a pre-scanned, well-formed body into its root element. Errors from the
 * parser propagate as plain Errors; the caller turns them into FeedParseError.
 */
export function parseXmlTree(body: string, stopNames: string[], maxDepth: number): El {
  return fastTree(body, stopNames, maxDepth) ?? parseWithFxp(body, stopNames, maxDepth);
}

/** The reference path: fast-xml-parser, then one walk over its output. */
export function parseWithFxp(body: string, stopNames: string[], maxDepth: number): El {
  const doc = parserFor(stopNames, maxDepth).parse(body) as FxpNode[];
  const stops = new Set(stopNames);
  for (const node of doc) {
    const tag = tagOf(node);
    if (tag !== null && !tag.startsWith("#") && !tag.startsWith("?")) {
      return build(node, tag, null, stops);
    }
  }
  throw new Error("no root element");
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
      if (resolvePrefix(el.prefixes, key.slice(0, colon)) === ns)
        return decodeEntities(el.attrs[key]!);
    }
  }
  return null;
}

function escapeText(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * Re-serialises an element's parsed children as markup. Only used when inline
 * markup reached us parsed (a text construct in a namespace scope the
 * pre-scan could not foresee); the normal path keeps the source raw.
 */
export function innerMarkup(el: El): string {
  if (el.raw !== null) return el.rawIsBytes ? decodeBytes(el.raw) : el.raw;
  return serialise(el.src ?? parsedChildren(el.span));
}

/** fast-xml-parser's reading of one element's source (its children), for the rare fallback. */
function parsedChildren(span: SourceSpan | null): FxpNode[] {
  if (span === null) return [];
  const { doc, start, end } = span;
  const source = doc.body.slice(start, end);
  const nodes = parserFor(doc.stopNames, doc.maxDepth).parse(
    doc.bytes ? decodeBytes(source) : source,
  ) as FxpNode[];
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag !== null && !tag.startsWith("#") && !tag.startsWith("?")) {
      return (node[tag] as FxpNode[] | undefined) ?? [];
    }
  }
  return [];
}

function serialise(nodes: FxpNode[]): string {
  let out = "";
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === null) continue;
    if (tag === "#text") out += String(node["#text"]);
    else if (tag === "#cdata") {
      const inner = (node["#cdata"] as FxpNode[] | undefined)?.[0];
      out += escapeText(inner ? String(inner["#text"] ?? "") : "");
    } else {
      const attrs = node[":@"] as Record<string, string> | undefined;
      let open = `<${tag}`;
      if (attrs)
        for (const key in attrs) open += ` ${key}="${attrs[key]!.replaceAll('"', "&quot;")}"`;
      const children = (node[tag] as FxpNode[] | undefined) ?? [];
      out += children.length === 0 ? `${open}/>` : `${open}>${serialise(children)}</${tag}>`;
    }
  }
  return out;
}
