/**
 * Which format a document is, decided from its content (root element,
 * namespace, version), never from a file name or Content-Type.
 */

import { NS, namespaceId } from "./namespaces.ts";
import type { FeedFormat } from "./raw.ts";

/**
 * Classifies a root element. `ns` is the namespace id of the root, `channelNs`
 * that of the RDF channel (RSS 0.90 and 1.0 share the rdf:RDF root).
 */
export function classifyRoot(
  local: string,
  ns: string,
  version: string | null,
  channelNs: string | null,
): FeedFormat | null {
  const v = version?.trim() ?? "";
  switch (local) {
    case "rss":
      if (v === "0.91") return "rss091";
      if (v === "0.92") return "rss092";
      if (v === "0.90" || v === "0.9") return "rss090";
      return "rss20"; // 2.0, 2.0.1, 0.93, 0.94 and the versionless
    case "RDF":
      return channelNs === NS.rss090 ? "rss090" : "rss10";
    case "feed":
    case "entry":
      if (ns === NS.atom03 || (ns !== NS.atom && v === "0.3")) return "atom03";
      if (ns === NS.atom || ns === NS.none) return "atom10";
      return null;
    default:
      return null;
  }
}

/** Where a JSON Feed declares its version. */
const JSON_VERSION = /"version"\s*:\s*"(?:https?:)?\/\/jsonfeed\.org\/version\/([0-9.]+)\/?"/;

/** JSON Feed version URL to format; unknown future versions read as the latest we know. */
export function jsonFeedFormat(version: string): FeedFormat | null {
  const m = /jsonfeed\.org\/version\/([0-9.]+)/.exec(version);
  if (!m) return null;
  return m[1] === "1" || m[1] === "1.0" ? "json10" : "json11";
}

const ROOT_SKIP =
  /^\s*(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>\s*)*/;

/**
 * Detects a document's format from its text, cheaply (the root start tag or
 * the JSON Feed version). Returns null for anything that is not a feed we read.
 */
export function detectFormat(text: string): FeedFormat | null {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = /\S/.exec(s.slice(0, 1024));
  if (first?.[0] === "{") {
    const m = JSON_VERSION.exec(s);
    return m ? jsonFeedFormat(m[0]) : null;
  }
  const prolog = ROOT_SKIP.exec(s.slice(0, 64 * 1024));
  const at = prolog ? prolog[0].length : 0;
  const tag =
    /^<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/.exec(
      s.slice(at, at + 8192),
    );
  if (!tag) return null;
  const name = tag[1]!;
  const attrs = new Map<string, string>();
  for (const m of (tag[2] ?? "").matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attrs.set(m[1]!, m[2] ?? m[3] ?? "");
  }
  const colon = name.indexOf(":");
  const prefix = colon === -1 ? "" : name.slice(0, colon);
  const local = colon === -1 ? name : name.slice(colon + 1);
  const nsUri = attrs.get(prefix === "" ? "xmlns" : `xmlns:${prefix}`);
  const ns = nsUri === undefined ? NS.none : namespaceId(nsUri);
  // For rdf:RDF the RSS version is the namespace its channel is in, declared on the root.
  let channelNs: string | null = null;
  for (const [key, uri] of attrs) {
    const id = key === "xmlns" || key.startsWith("xmlns:") ? namespaceId(uri) : null;
    if (id === NS.rss10 || id === NS.rss090) channelNs = id;
  }
  if (local === "RDF" && channelNs === null) return null;
  return classifyRoot(local, ns, attrs.get("version") ?? null, channelNs);
}
