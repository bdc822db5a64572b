/**
 * Reading our own XML back for the pre-publish checks: fast-xml-parser with
 * every element as an array, so a check never confuses one child with many.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

/** One parsed element: attributes under `@_name`, text under `#text`, children by name. */
export type XmlNode = { [key: string]: unknown };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  alwaysCreateTextNode: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
});

/** The parsed document, or a problem saying why it is not well-formed XML. */
export function parseXml(xml: string): { root: XmlNode } | { problem: string } {
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    return { problem: `not well-formed XML: ${msg} (line ${line}, column ${col})` };
  }
  try {
    return { root: parser.parse(xml) as XmlNode };
  } catch (e) {
    return { problem: `not well-formed XML: ${(e as Error).message}` };
  }
}

/** Child elements of `node` named `name` (empty when there are none). */
export function children(node: XmlNode, name: string): XmlNode[] {
  const v = node[name];
  return Array.isArray(v) ? (v as XmlNode[]) : [];
}

/** The first child named `name`, or null. */
export function child(node: XmlNode, name: string): XmlNode | null {
  return children(node, name)[0] ?? null;
}

/** The text content of `node`, trimmed ("" when it has none). */
export function text(node: XmlNode | null): string {
  if (node === null) return "";
  const t = node["#text"];
  if (Array.isArray(t)) return t.join("").trim();
  return typeof t === "string" ? t.trim() : "";
}

/** An attribute's value, or null. */
export function attr(node: XmlNode, name: string): string | null {
  const v = node[`@_${name}`];
  return typeof v === "string" ? v : null;
}
