/**
 * One pass over an item's HTML that does everything the content needs:
 * allow-list sanitizing, absolute canonical URLs, dropping repeated
 * paragraphs (and the item's own title), plain-text extraction and SimHash
 * shingling. htmlparser2 tokenizes; the policy (policy.ts) is ours.
 *
 * Each leaf block (a paragraph with no block inside it) is written out as
 * usual, and its text buffered; at its end tag the block is kept or cut back
 * out of the output, and only kept text reaches the hasher. That is what
 * makes a second pass unnecessary.
 */
import { canonicalize, parseUrl, plainCanonical } from "./canonicalUrl.ts";
import { type HtmlHandler, readHtml } from "./htmlEvents.ts";
import { latin1Copy, ownCopy } from "./ownStrings.ts";
import {
  ALLOWED,
  AS_DIV,
  ATTRIBUTE_SHAPES,
  CONTAINER_BLOCKS,
  DEDUPED_BLOCKS,
  DROPPED,
  IFRAME_SANDBOX,
  LIST_ITEM_DEDUPE_WORDS,
  TABLE_PARTS,
  TRACKER_HOSTS,
  URL_ATTRIBUTES,
  VOID,
} from "./policy.ts";
import { SimHasher } from "./simhash.ts";
import { collapseWhitespace, collapseWhitespaceAs, escapeHtml } from "./text.ts";

export interface SanitizeOptions {
  /** Absolute base URL for relative links, or null (relative links are then dropped). */
  base: string | null;
  /** Hosts whose https iframes are kept, sandboxed. */
  iframeHosts: ReadonlySet<string>;
  /** The item's title: a block whose text is exactly this is dropped. */
  title: string | null;
}

export interface SanitizedContent {
  /** Safe HTML; empty when nothing readable was left. */
  html: string;
  /** The kept text, whitespace collapsed, blocks separated by one space. */
  text: string;
  /** `text` lowercased: what it is compared by (made of the blocks' own keys). */
  key: string;
  /** SimHash of the kept text's 3-word shingles. */
  simhash: string;
  /** Words in the kept text. */
  words: number;
}

enum Kind {
  Inline = 0,
  /** A block that separates text but is not compared (table, ul, pre…). */
  Block = 1,
  /** A block whose text is compared with earlier ones. */
  Deduped = 2,
}

/**
 * Elements whose attributes the walker reads: an iframe's, and the
 * allow-list's for an element kept as itself (not one turned into a div).
 */
const READS_ATTRIBUTES: ReadonlySet<string> = new Set([
  "iframe",
  ...Object.keys(ALLOWED).filter(
    (tag) => !AS_DIV.has(tag) && (ALLOWED[tag] as readonly string[]).length > 0,
  ),
]);

/** What the walker does with an element, by its (lowercase) name: the policy, looked up once. */
interface TagRule {
  /** Dropped with its content (an iframe may still be written on its own). */
  dropped: boolean;
  /** The name it is written as (sectioning elements become divs). */
  name: string;
  kind: Kind;
  /** On the allow-list (its own keys only: "constructor" is not). */
  allowed: boolean;
  /** Its end tag as written, or "" for a void element or one not written. */
  close: string;
  /** Its start tag as written when it has no attributes. */
  bareOpen: string;
  /** Shows an image or a video (an otherwise empty block with it is kept). */
  media: boolean;
}

function tagRule(tag: string): TagRule {
  const name = AS_DIV.has(tag) ? "div" : tag;
  const allowed = Object.hasOwn(ALLOWED, name);
  return {
    dropped: DROPPED.has(tag),
    name,
    kind: DEDUPED_BLOCKS.has(tag)
      ? Kind.Deduped
      : CONTAINER_BLOCKS.has(tag)
        ? Kind.Block
        : Kind.Inline,
    allowed,
    close: allowed && !VOID.has(name) ? `</${name}>` : "",
    bareOpen: `<${name}${name === "a" ? ' rel="noopener noreferrer"' : ""}>`,
    media: name === "img" || name === "video" || name === "audio",
  };
}

/**
 * Rules of the names met so far: one lookup an element instead of one per
 * set of the policy, and its tags made once. Feeds can make up any number
 * of names: past a few hundred, the rest are worked out each time.
 */
const TAG_RULES = new Map<string, TagRule>();
const TAG_RULES_MAX = 512;

function ruleOf(tag: string): TagRule {
  let rule = TAG_RULES.get(tag);
  if (rule === undefined) {
    // a long name may be cut from the document: the cache must not keep that alive
    const own = ownCopy(tag);
    rule = tagRule(own);
    if (TAG_RULES.size < TAG_RULES_MAX) TAG_RULES.set(own, rule);
  }
  return rule;
}

/** What the tracker-pixel check needs of a URL. */
interface UrlPlace {
  hostname: string;
  pathname: string;
}

/** Host and path of a canonical URL in the plain shape (scheme://host/path?query). */
function plainPlace(href: string): UrlPlace {
  const host = href.indexOf("//") + 2;
  const path = href.indexOf("/", host);
  const query = href.indexOf("?", path);
  return {
    hostname: href.slice(host, path),
    pathname: query === -1 ? href.slice(path) : href.slice(path, query),
  };
}

function isTrackerPixel(
  u: UrlPlace,
  width: string | undefined,
  height: string | undefined,
): boolean {
  if ((width === "1" || width === "0") && (height === "1" || height === "0")) return true;
  if (TRACKER_HOSTS.has(u.hostname)) return true;
  // FeedBurner's per-item counters, Facebook's pixel
  if (u.hostname.endsWith("feedburner.com") && u.pathname.startsWith("/~r/")) return true;
  return u.hostname.endsWith("facebook.com") && u.pathname === "/tr";
}

/** Blocks an item's seen texts are looked through one by one; beyond, a Set. */
const SEEN_LIST_MAX = 64;

/**
 * The texts of an item's blocks so far, to find a repeated one. An item has
 * a dozen blocks or so: comparing lengths first, and characters only when
 * they are equal, costs a fraction of what a Set does, which hashes every
 * character of every new block (the key of a block is a new string each
 * time). A long list of blocks goes to a Set all the same.
 */
class SeenTexts {
  private readonly list: string[] = [];
  private set: Set<string> | null = null;

  has(text: string): boolean {
    if (this.set !== null) return this.set.has(text);
    const n = text.length;
    for (const seen of this.list) if (seen.length === n && seen === text) return true;
    return false;
  }

  /** Adds a text that `has` said was not there yet. */
  add(text: string): void {
    if (this.set !== null) this.set.add(text);
    else if (this.list.push(text) > SEEN_LIST_MAX) this.set = new Set(this.list);
  }
}

class ContentWalker implements HtmlHandler {
  /**
   * The output, as pieces: a block is cut back out by truncating the array
   * to where it started, instead of slicing (and flattening) a long string.
   * No piece is empty, so "nothing written since" is a length comparison.
   */
  private readonly out: string[] = [];
  private readonly parts: string[] = [];
  /** Each part lowercased (a space is a hard boundary for lowercasing: joined, they are the text's). */
  private readonly keys: string[] = [];
  readonly hasher = new SimHasher();
  private readonly seen = new SeenTexts();

  // the open elements we passed through (not the dropped ones)
  private readonly closeTags: string[] = [];
  private readonly kinds: Kind[] = [];
  private readonly openStart: number[] = [];
  private readonly openEnd: number[] = [];
  /** Depth inside a dropped element (0 = not dropping). */
  private skip = 0;

  /** Stack index of the innermost deduped block with no block inside yet, or -1. */
  private leaf = -1;
  private leafMedia = false;
  /** Text since the last block boundary. */
  private seg = "";

  constructor(private readonly opts: SanitizeOptions) {
    if (opts.title) this.seen.add(opts.title);
  }

  /** Text outside any compared leaf: always kept. */
  private commitLoose(): void {
    if (this.seg === "") return;
    const text = this.takeSeg();
    if (text === "") return;
    const key = text.toLowerCase();
    this.parts.push(text);
    this.keys.push(key);
    this.addWords(key);
  }

  /**
   * The last `src` read by `url`, untrimmed, and what it was read as (the parsed
   * URL, or the canonical form of a plain one): `keep` looks at it again.
   */
  private srcValue: string | null = null;
  private srcUrl: URL | null = null;
  private srcPlain: string | null = null;

  private url(name: string, value: string): string | null {
    const trimmed = value.trim();
    if (name === "href" && /^mailto:/i.test(trimmed)) {
      const u = parseUrl(trimmed);
      return u && u.protocol === "mailto:" ? u.href : null;
    }
    // only what was read exactly as written can stand in for reading it again
    if (name === "src") this.srcValue = trimmed === value ? value : null;
    const plain = plainCanonical(trimmed, this.opts.base);
    if (plain !== undefined) {
      if (name === "src") {
        this.srcUrl = null;
        this.srcPlain = plain;
      }
      return plain;
    }
    const u = parseUrl(trimmed, this.opts.base);
    if (name === "src") {
      this.srcUrl = u;
      this.srcPlain = null;
    }
    return u === null ? null : canonicalize(u);
  }

  private attributes(name: string, attribs: Record<string, string>): string {
    let html = "";
    for (const attr of ALLOWED[name] as readonly string[]) {
      const value = attribs[attr];
      if (value === undefined) continue;
      if (URL_ATTRIBUTES.has(attr)) {
        const url = this.url(attr, value);
        if (url === null) continue;
        html += ` ${attr}="${escapeHtml(url)}"`;
      } else {
        const shape = ATTRIBUTE_SHAPES[attr];
        if (shape && !shape.test(value.trim())) continue;
        html += ` ${attr}="${escapeHtml(shape ? value.trim() : collapseWhitespace(value))}"`;
      }
    }
    return html;
  }

  private iframe(attribs: Record<string, string>): void {
    const src = (attribs.src ?? "").trim();
    // protocol-relative embeds are upgraded: only https iframes are kept
    const u = parseUrl(src.startsWith("//") ? `https:${src}` : src, this.opts.base);
    if (u === null || u.protocol !== "https:" || !this.opts.iframeHosts.has(u.hostname)) return;
    const url = canonicalize(u) as string;
    let html = `<iframe src="${escapeHtml(url)}" sandbox="${IFRAME_SANDBOX}"`;
    for (const dim of ["width", "height"] as const) {
      const v = attribs[dim]?.trim();
      if (v !== undefined && /^\d{1,5}$/.test(v)) html += ` ${dim}="${v}"`;
    }
    if (attribs.allowfullscreen !== undefined) html += " allowfullscreen";
    this.out.push(`${html}></iframe>`);
    this.leafMedia = true;
  }

  wantsAttributes(tag: string): boolean {
    return READS_ATTRIBUTES.has(tag);
  }

  onopentag(tag: string, attribs: Record<string, string>): void {
    if (this.skip > 0) {
      this.skip++;
      return;
    }
    const rule = ruleOf(tag);
    if (rule.dropped) {
      if (tag === "iframe") this.iframe(attribs);
      this.skip = 1;
      return;
    }
    const kind = rule.kind;
    if (tag === "br") this.seg += " ";
    if (kind !== Kind.Inline) {
      // a block inside the current leaf: the leaf's text so far is plain loose text now
      this.commitLoose();
      this.leaf = -1;
    }
    const start = this.out.length;
    let close = "";
    if (rule.allowed) {
      const name = rule.name;
      const attrs = this.attributes(name, attribs);
      if (!this.keep(name, attrs, attribs)) {
        this.push("", Kind.Inline, start);
        return;
      }
      this.out.push(
        attrs === ""
          ? rule.bareOpen
          : `<${name}${attrs}${name === "a" ? ' rel="noopener noreferrer"' : ""}>`,
      );
      close = rule.close;
      if (rule.media) this.leafMedia = true;
    }
    this.push(close, kind, start);
    if (kind === Kind.Deduped) {
      this.leaf = this.kinds.length - 1;
      this.leafMedia = false;
    }
  }

  /** Whether an allowed element is worth writing, given its cleaned attributes. */
  private keep(name: string, attrs: string, attribs: Record<string, string>): boolean {
    switch (name) {
      case "a":
        // without a usable href a link is just its text
        return attrs.includes(" href=");
      case "img": {
        if (!attrs.includes(" src=")) return false;
        const src = attribs.src as string;
        let u: UrlPlace | null;
        if (src !== this.srcValue) u = parseUrl(src, this.opts.base);
        else u = this.srcPlain === null ? this.srcUrl : plainPlace(this.srcPlain);
        return u !== null && !isTrackerPixel(u, attribs.width?.trim(), attribs.height?.trim());
      }
      case "source":
      case "audio":
      case "video":
        return attrs.includes(" src=");
      default:
        return true;
    }
  }

  private push(close: string, kind: Kind, start: number): void {
    this.closeTags.push(close);
    this.kinds.push(kind);
    this.openStart.push(start);
    this.openEnd.push(this.out.length);
  }

  onclosetag(): void {
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    const close = this.closeTags.pop();
    const kind = this.kinds.pop();
    const start = this.openStart.pop() as number;
    const end = this.openEnd.pop() as number;
    if (close === undefined) return;
    const depth = this.kinds.length;
    if (kind === Kind.Deduped && this.leaf === depth) {
      this.leaf = -1;
      this.closeLeaf(close, start);
      return;
    }
    if (kind !== Kind.Inline) {
      this.commitLoose();
      // a container whose every child was dropped: drop it too (but not table cells)
      if (this.out.length === end && close !== "" && !TABLE_PARTS.has(close.slice(2, -1))) {
        this.out.length = start;
        return;
      }
    }
    if (close !== "") this.out.push(close);
  }

  private closeLeaf(close: string, start: number): void {
    const text = this.takeSeg();
    if (text === "") {
      // empty paragraph (spacers, &nbsp;): keep only when it shows an image or video
      if (this.leafMedia && close !== "") this.out.push(close);
      else this.out.length = start;
      return;
    }
    const key = text.toLowerCase();
    if (this.seen.has(key)) {
      const isListItem = close === "</li>";
      if (!isListItem || text.split(" ").length >= LIST_ITEM_DEDUPE_WORDS) {
        this.out.length = start;
        return;
      }
    } else {
      this.seen.add(key);
    }
    if (close !== "") this.out.push(close);
    this.parts.push(text);
    this.keys.push(key);
    this.addWords(key);
  }

  /** Adds the words of the text takeSeg made last (`key`: that text lowercased). */
  private addWords(key: string): void {
    if (this.segRead) this.hasher.addRead();
    else this.hasher.addLowercase(key);
  }

  ontext(data: string): void {
    if (this.skip > 0 || data === "") return;
    this.out.push(escapeHtml(data));
    this.seg += data;
  }

  /** Whether the hasher has read the words of the text takeSeg made last. */
  private segRead = false;

  /**
   * `seg` with its whitespace collapsed and trimmed; `seg` is emptied. The
   * hasher reads its words on the way (addWords adds them), in the same pass
   * that finds whether there is whitespace to collapse.
   */
  private takeSeg(): string {
    const seg = this.seg;
    this.seg = "";
    const oddSpace = this.hasher.read(seg);
    this.segRead = oddSpace !== null;
    return oddSpace === null ? collapseWhitespace(seg) : collapseWhitespaceAs(seg, oddSpace);
  }

  finish(): SanitizedContent {
    this.commitLoose();
    const text = this.parts.join(" ");
    const out = this.out.join("");
    return {
      html: text === "" && !/<(?:img|iframe|video|audio)\b/.test(out) ? "" : out.trim(),
      text,
      key: this.keys.join(" "),
      simhash: this.hasher.digest(),
      words: this.hasher.words,
    };
  }
}

/**
 * Sanitizes an item's HTML and, in the same pass, drops repeated paragraphs
 * and the repeated title, extracts the text and computes its SimHash.
 */
export function sanitizeContent(html: string, opts: SanitizeOptions): SanitizedContent {
  // the pieces the output is joined from are cut from this: one byte per character
  // where possible halves the output (ownStrings.ts)
  return readHtml(latin1Copy(html), () => new ContentWalker(opts)).finish();
}
