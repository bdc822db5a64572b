/**
 * A small, careful XML writer: elements are built as data, then serialized
 * with every text and attribute escaped. Nothing is ever written as CDATA or
 * concatenated raw, so no input can break the document.
 */
import { escapeAttribute, escapeText } from "./xmlText.ts";

/** An element: name, attributes in output order, children. */
export interface XmlElement {
  name: string;
  attributes: [string, string][];
  children: XmlChild[];
}

/** A child is an element or plain text (escaped on output). */
type XmlChild = XmlElement | string;

/** What `el` accepts as a child; empty values are skipped, arrays flattened. */
export type XmlChildInput = XmlChild | null | undefined | false | XmlChildInput[];

/** Attributes whose null/undefined values are omitted; order is kept. */
export type XmlAttributes = Record<string, string | number | null | undefined>;

/**
 * Build an element. Attributes with a null or undefined value are left out,
 * so optional attributes can be written inline.
 */
export function el(
  name: string,
  attributes: XmlAttributes = {},
  ...children: XmlChildInput[]
): XmlElement {
  const attrs = Object.entries(attributes)
    .filter((a): a is [string, string | number] => a[1] !== null && a[1] !== undefined)
    .map(([key, value]): [string, string] => [key, String(value)]);
  // Strings are no arrays: `flat` leaves text whole.
  const flat = (children as unknown[])
    .flat(Number.POSITIVE_INFINITY)
    .filter((c): c is XmlChild => c !== null && c !== undefined && c !== false);
  return { name, attributes: attrs, children: flat };
}

/**
 * Serialize an element tree as a UTF-8 XML document with two-space
 * indentation, after an `<?xml-stylesheet?>` instruction when `stylesheet`
 * (an XSLT href) is given.
 */
export function xmlDocument(root: XmlElement, stylesheet: string | null = null): string {
  const out: string[] = ['<?xml version="1.0" encoding="utf-8"?>\n'];
  if (stylesheet !== null) {
    // escapeAttribute writes `>` as `&gt;`, so the href cannot end the instruction early.
    out.push(`<?xml-stylesheet type="text/xsl" href="${escapeAttribute(stylesheet)}"?>\n`);
  }
  write(root, 0, out);
  return out.join("");
}

function write(node: XmlElement, depth: number, out: string[]): void {
  const pad = "  ".repeat(depth);
  // Text content is written inline: indentation inside it would change it.
  if (node.children.length === 0 || node.children.some((c) => typeof c === "string")) {
    out.push(`${pad}${inline(node)}\n`);
    return;
  }
  out.push(`${pad}${openTag(node)}>\n`);
  for (const c of node.children) write(c as XmlElement, depth + 1, out);
  out.push(`${pad}</${node.name}>\n`);
}

function openTag(node: XmlElement): string {
  return `<${node.name}${node.attributes.map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join("")}`;
}

function inline(c: XmlChild): string {
  if (typeof c === "string") return escapeText(c);
  if (c.children.length === 0) return `${openTag(c)}/>`;
  return `${openTag(c)}>${c.children.map(inline).join("")}</${c.name}>`;
}
