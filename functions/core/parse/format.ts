/**
 * Which format a document is, decided from its content (root element,
 * namespace, version), never from a file name or Content-Type.
 */

import { NS } from "./namespaces.ts";
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

/** JSON Feed version URL to format; unknown future versions read as the latest we know. */
export function jsonFeedFormat(version: string): FeedFormat | null {
  const m = /jsonfeed\.org\/version\/([0-9.]+)/.exec(version);
  if (!m) return null;
  return m[1] === "1" || m[1] === "1.0" ? "json10" : "json11";
}
