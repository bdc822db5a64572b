/**
 * OPML, the subscription list every feed reader imports and exports:
 * reading the feeds an OPML file lists (nested category outlines included)
 * and writing the configured sources as OPML 2.0. Pure: text in, text out.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { decodeEntities } from "../core/parse/entities.ts";
import { el, xmlDocument } from "../core/render/xmlWriter.ts";

/** A feed an OPML file lists: an `outline` with an `xmlUrl`. */
export interface OpmlFeed {
  /** `title`, else `text`, decoded; null when the outline has neither. */
  title: string | null;
  xmlUrl: string;
  htmlUrl: string | null;
}

/** The file is not OPML we can read. */
export class OpmlError extends Error {
  override name = "OpmlError";
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  attributesGroupName: "@",
  // Character references are decoded by us, once, in the values we keep: no DTD expands anything.
  processEntities: false,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => name === "outline",
});

type Node = { "@"?: Record<string, string>; outline?: Node[] };

/** An attribute by name, case-insensitively (`xmlUrl`, `xmlurl`), decoded and trimmed. */
function attribute(node: Node, name: string): string | null {
  const attrs = node["@"] ?? {};
  const key = Object.keys(attrs).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? "" : decodeEntities(attrs[key]!).trim();
  return value === "" ? null : value;
}

/** Every feed outline of an OPML document, depth first in document order. */
export function parseOpml(text: string): OpmlFeed[] {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new OpmlError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  }
  const doc = parser.parse(text) as { opml?: { body?: Node | string } };
  if (doc.opml === undefined) throw new OpmlError("not an OPML file: its root is not <opml>");
  const feeds: OpmlFeed[] = [];
  const walk = (node: Node) => {
    for (const outline of node.outline ?? []) {
      const xmlUrl = attribute(outline, "xmlUrl");
      if (xmlUrl !== null) {
        feeds.push({
          title: attribute(outline, "title") ?? attribute(outline, "text"),
          xmlUrl,
          htmlUrl: attribute(outline, "htmlUrl"),
        });
      }
      walk(outline);
    }
  };
  if (typeof doc.opml.body === "object") walk(doc.opml.body);
  return feeds;
}

/** OPML 2.0 listing `feeds`, every value escaped by the feeds' XML writer. */
export function renderOpml(title: string, feeds: { name: string; url: string }[]): string {
  const outlines = feeds.map(({ name, url }) =>
    el("outline", { type: "rss", text: name, title: name, xmlUrl: url }),
  );
  const head = el("head", {}, el("title", {}, title));
  return xmlDocument(el("opml", { version: "2.0" }, head, el("body", {}, outlines)));
}
