/**
 * One pass over an item's HTML, on htmlparser2's stock `Parser`: allow-list
 * sanitizing (the policy is data, in policy.ts), absolute canonical URLs,
 * dropping repeated paragraphs and the item's own title, and plain-text
 * extraction.
 *
 * Each leaf block (a paragraph with no block inside it) is written out as it
 * comes and its text collected; at its end tag the block is kept, or cut back
 * out of the output when its text was seen before. That is what makes a
 * second pass unnecessary.
 */
import { decodeHTMLAttribute } from "entities";
import { Parser } from "htmlparser2";
import { canonicalize, canonicalUrl, parseUrl } from "./canonicalUrl.ts";
import {
  ALLOWED,
  AS_DIV,
  ATTRIBUTE_SHAPES,
  CONTAINER_BLOCKS,
  DEDUPED_BLOCKS,
  DROPPED,
  IFRAME_SANDBOX,
  type IframePolicy,
  LIST_ITEM_DEDUPE_WORDS,
  TABLE_PARTS,
  TRACKER_HOSTS,
  URL_ATTRIBUTES,
  VIDEO_HOSTS,
  VOID,
} from "./policy.ts";
import { collapseWhitespace, decodeText, escapeHtml } from "./text.ts";

export interface SanitizeOptions {
  /** Absolute base URL for relative links, or null (relative links are then dropped). */
  base: string | null;
  /** Hosts whose https iframes are kept, sandboxed. */
  iframeHosts: ReadonlySet<string>;
  /** Whether such an iframe stays one or becomes a link to its video (the default). */
  iframes?: IframePolicy;
  /** The item's title, lowercased: a block whose text is exactly this is dropped. */
  title: string | null;
}

export interface SanitizedContent {
  /** Safe HTML; empty when nothing readable was left. */
  html: string;
  /** The kept text, whitespace collapsed, blocks separated by one space. */
  text: string;
  /** `text` lowercased: what it is compared by. */
  key: string;
}

enum Kind {
  Inline = 0,
  /** A block that separates text but is not compared (table, ul, pre…). */
  Block = 1,
  /** A block whose text is compared with earlier ones. */
  Deduped = 2,
}

/** An element the walker is inside (dropped ones are only counted, in `skip`). */
interface OpenElement {
  name: string;
  kind: Kind;
  /** Its end tag, or "" when it is not written (unwrapped, or void). */
  close: string;
  /** Where its start tag begins in the output, and where it ends. */
  start: number;
  end: number;
}

// what an element without allowed attributes keeps (shared: never written to)
const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

// elements that show something besides text: an otherwise empty block with one is kept
const MEDIA = new Set(["img", "video", "audio", "iframe"]);
const HAS_MEDIA = /<(?:img|iframe|video|audio)\b/;

/** What the policy says of one tag name, worked out once per name rather than per element. */
interface TagRule {
  kind: Kind;
  /** The element written out (a sectioning element becomes a div). */
  name: string;
  /** Its allowed attributes, or null when the element is unwrapped. */
  allowed: readonly string[] | null;
  /** Its end tag, or "" when void. */
  close: string;
}

const RULES = new Map<string, TagRule>();

function ruleOf(tag: string): TagRule {
  let rule = RULES.get(tag);
  if (rule === undefined) {
    const name = AS_DIV.has(tag) ? "div" : tag;
    const allowed = Object.hasOwn(ALLOWED, name) ? (ALLOWED[name] as readonly string[]) : null;
    const kind = DEDUPED_BLOCKS.has(tag)
      ? Kind.Deduped
      : CONTAINER_BLOCKS.has(tag)
        ? Kind.Block
        : Kind.Inline;
    rule = { kind, name, allowed, close: allowed === null || VOID.has(name) ? "" : `</${name}>` };
    // the parser lowercases tag names, but a document may make up any number of them
    if (RULES.size < 1000) RULES.set(tag, rule);
  }
  return rule;
}

// host and path of a canonical http(s) URL (canonicalUrl.ts writes every one so)
const HOST_AND_PATH = /^https?:\/\/([^/:]+)(?::\d+)?(\/[^?]*)/;

/**
 * An attribute's value, references decoded (the parser leaves them: see
 * sanitizeContent); only the attributes the policy reads are ever decoded.
 */
function attribute(attribs: Record<string, string>, name: string): string | undefined {
  const value = attribs[name];
  return value?.includes("&") ? decodeHTMLAttribute(value) : value;
}

/** Whether an image is a tracking pixel; `src` is its canonical URL. */
function isTrackerPixel(src: string, attribs: Record<string, string>): boolean {
  const width = attribute(attribs, "width")?.trim();
  const height = attribute(attribs, "height")?.trim();
  if ((width === "1" || width === "0") && (height === "1" || height === "0")) return true;
  const [, hostname = "", pathname = ""] = HOST_AND_PATH.exec(src) ?? [];
  if (TRACKER_HOSTS.has(hostname)) return true;
  // FeedBurner's per-item counters, Facebook's pixel
  if (hostname.endsWith("feedburner.com") && pathname.startsWith("/~r/")) return true;
  return hostname.endsWith("facebook.com") && pathname === "/tr";
}

class ContentWalker {
  /**
   * The output, as pieces: a block is cut back out by truncating the array
   * to where it started. No piece is empty, so "nothing written since" is a
   * length comparison.
   */
  private readonly out: string[] = [];
  /** The kept text, block by block. */
  private readonly parts: string[] = [];
  /** `parts` lowercased: a leaf's key is worked out for the repeat check anyway. */
  private readonly keys: string[] = [];
  /** Lowercased texts of the blocks kept so far (and the title). */
  private readonly seen = new Set<string>();
  private readonly open: OpenElement[] = [];
  /** Depth inside a dropped element (0 = not dropping). */
  private skip = 0;
  /** Index in `open` of the innermost deduped block with no block inside it yet, or -1. */
  private leaf = -1;
  private leafMedia = false;
  /** A video link stands for an iframe: content with only that is not empty. */
  private videoLinks = 0;
  /** Text since the last block boundary. */
  private segment = "";

  constructor(private readonly opts: SanitizeOptions) {
    if (opts.title) this.seen.add(opts.title);
  }

  onopentag(tag: string, attribs: Record<string, string>): void {
    if (this.skip > 0) {
      this.skip++;
      return;
    }
    if (DROPPED.has(tag)) {
      if (tag === "iframe") this.iframe(attribs);
      this.skip = 1;
      return;
    }
    if (tag === "br") this.segment += " ";
    const { kind, name, allowed, close } = ruleOf(tag);
    if (kind !== Kind.Inline) {
      // a block inside the current leaf: the leaf's text so far is plain loose text now
      this.commitLoose();
      this.leaf = -1;
    }
    const start = this.out.length;
    if (allowed !== null) {
      const attrs = this.attributes(allowed, attribs);
      if (!this.worthWriting(name, attrs, attribs)) {
        this.open.push({ name, kind: Kind.Inline, close: "", start, end: start });
        return;
      }
      let html = `<${name}`;
      for (const [attr, value] of attrs) html += ` ${attr}="${escapeHtml(value)}"`;
      this.out.push(name === "a" ? `${html} rel="noopener noreferrer">` : `${html}>`);
      if (MEDIA.has(name)) this.leafMedia = true;
    }
    this.open.push({ name, kind, close, start, end: this.out.length });
    if (kind === Kind.Deduped) {
      this.leaf = this.open.length - 1;
      this.leafMedia = false;
    }
  }

  onclosetag(): void {
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    const el = this.open.pop();
    if (el === undefined) return;
    if (el.kind === Kind.Deduped && this.leaf === this.open.length) {
      this.leaf = -1;
      this.closeLeaf(el);
      return;
    }
    if (el.kind !== Kind.Inline) {
      this.commitLoose();
      // a container whose every child was dropped goes too (not a table part: the columns would shift)
      if (this.out.length === el.end && el.close !== "" && !TABLE_PARTS.has(el.name)) {
        this.out.length = el.start;
        return;
      }
    }
    if (el.close !== "") this.out.push(el.close);
  }

  ontext(raw: string): void {
    if (this.skip > 0 || raw === "") return;
    const data = decodeText(raw);
    this.out.push(escapeHtml(data));
    this.segment += data;
  }

  finish(): SanitizedContent {
    this.commitLoose();
    const text = this.parts.join(" ");
    const html = this.out.join("");
    return {
      html: text === "" && !HAS_MEDIA.test(html) && this.videoLinks === 0 ? "" : html.trim(),
      text,
      key: this.keys.join(" "),
    };
  }

  private takeSegment(): string {
    const text = collapseWhitespace(this.segment);
    this.segment = "";
    return text;
  }

  /** Text outside any compared leaf: always kept. */
  private commitLoose(): void {
    const text = this.takeSegment();
    if (text === "") return;
    this.parts.push(text);
    this.keys.push(text.toLowerCase());
  }

  private closeLeaf(el: OpenElement): void {
    const text = this.takeSegment();
    if (text === "") {
      // an empty paragraph (spacers, &nbsp;) is kept only when it shows an image or video
      if (this.leafMedia && el.close !== "") this.out.push(el.close);
      else this.out.length = el.start;
      return;
    }
    const key = text.toLowerCase();
    if (this.seen.has(key)) {
      // two lists may both say "Yes": a list item counts as a repeat from a few words up
      if (el.name !== "li" || text.split(" ").length >= LIST_ITEM_DEDUPE_WORDS) {
        this.out.length = el.start;
        return;
      }
    } else {
      this.seen.add(key);
    }
    if (el.close !== "") this.out.push(el.close);
    this.parts.push(text);
    this.keys.push(key);
  }

  private url(name: string, value: string): string | null {
    const trimmed = value.trim();
    if (name === "href" && /^mailto:/i.test(trimmed)) {
      const u = parseUrl(trimmed);
      return u && u.protocol === "mailto:" ? u.href : null;
    }
    return canonicalUrl(trimmed, this.opts.base);
  }

  /** The allow-listed attributes of an element, cleaned (URLs absolute and canonical). */
  private attributes(
    allowed: readonly string[],
    attribs: Record<string, string>,
  ): ReadonlyMap<string, string> {
    if (allowed.length === 0) return NO_ATTRIBUTES;
    const cleaned = new Map<string, string>();
    for (const attr of allowed) {
      const value = attribute(attribs, attr);
      if (value === undefined) continue;
      const shape = ATTRIBUTE_SHAPES[attr];
      if (URL_ATTRIBUTES.has(attr)) {
        const url = this.url(attr, value);
        if (url !== null) cleaned.set(attr, url);
      } else if (shape === undefined) cleaned.set(attr, collapseWhitespace(value));
      else if (shape.test(value.trim())) cleaned.set(attr, value.trim());
    }
    return cleaned;
  }

  /** Whether an allowed element is worth writing, given its cleaned attributes. */
  private worthWriting(
    name: string,
    attrs: ReadonlyMap<string, string>,
    attribs: Record<string, string>,
  ): boolean {
    switch (name) {
      case "a":
        // without a usable href a link is just its text
        return attrs.has("href");
      case "img": {
        const src = attrs.get("src");
        return src !== undefined && !isTrackerPixel(src, attribs);
      }
      case "source":
      case "audio":
      case "video":
        return attrs.has("src");
      default:
        return true;
    }
  }

  private iframe(attribs: Record<string, string>): void {
    const src = (attribute(attribs, "src") ?? "").trim();
    // protocol-relative embeds are upgraded: only https iframes are kept
    const u = parseUrl(src.startsWith("//") ? `https:${src}` : src, this.opts.base);
    if (u === null || u.protocol !== "https:" || !this.opts.iframeHosts.has(u.hostname)) return;
    if ((this.opts.iframes ?? "link") === "link") {
      const video = VIDEO_HOSTS[u.hostname];
      const href = video?.watch(u) ?? (canonicalize(u) as string);
      const label = `Watch on ${video?.name ?? u.hostname}`;
      const link = `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${label}</a>`;
      // a paragraph of its own where the iframe stood between blocks
      this.out.push(this.open.length === 0 ? `<p>${link}</p>` : link);
      this.leafMedia = true;
      this.videoLinks++;
      return;
    }
    let html = `<iframe src="${escapeHtml(canonicalize(u) as string)}" sandbox="${IFRAME_SANDBOX}"`;
    for (const dim of ["width", "height"] as const) {
      const v = attribute(attribs, dim)?.trim();
      if (v !== undefined && /^\d{1,5}$/.test(v)) html += ` ${dim}="${v}"`;
    }
    if (attribs.allowfullscreen !== undefined) html += " allowfullscreen";
    this.out.push(`${html}></iframe>`);
    this.leafMedia = true;
  }
}

/**
 * Sanitizes an item's HTML and, in the same pass, drops repeated paragraphs
 * and the repeated title, and extracts the text.
 */
export function sanitizeContent(html: string, opts: SanitizeOptions): SanitizedContent {
  const walker = new ContentWalker(opts);
  // references are decoded by the walker, in the text and attributes it keeps:
  // htmlparser2 then skips through text to the next "<" instead of reading it
  // character by character (measured: about a third of its time on article HTML)
  new Parser(walker, { decodeEntities: false }).end(html);
  return walker.finish();
}
