/** Where a rendered document sits among the published files. */
import type { Entry } from "../item.ts";

/** The links of one published document, all absolute URLs chosen by the caller. */
export interface PageLinks {
  /** Absolute URL of this document (the Atom self link). */
  self: string;
  /** Absolute URL of the current `feed.atom`. */
  current: string;
  /** The RSS and JSON Feed alternates: set on the current feed only. */
  alternates: { rss: string; json: string } | null;
  /** RFC 5005 links, absolute. */
  prevArchive: string | null;
  nextArchive: string | null;
  /** True on an archive page (emits `<fh:archive/>`). */
  archive: boolean;
  /** Feed-level updated (RFC 3339), chosen by the caller. */
  updated: string;
  /**
   * The XSLT a browser renders the document with (`<?xml-stylesheet?>`), as
   * an href relative to the document; absent or null: none.
   */
  stylesheet?: string | null;
}

/** Name written in every document's generator field. */
export const GENERATOR = "cleanfeed";

/** The media types the documents are served with (and announced as alternates with). */
export const MEDIA_TYPES = {
  atom: "application/atom+xml",
  rss: "application/rss+xml",
  json: "application/feed+json",
} as const;

/**
 * Entries with ids not seen before, first one kept. Entries come newest first,
 * so a repeated id (an upstream bug) keeps its newest version instead of
 * making the whole document invalid.
 */
export function uniqueEntries(entries: readonly Entry[]): Entry[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    if (seen.has(e.id)) return false;
    seen.add(e.id);
    return true;
  });
}
