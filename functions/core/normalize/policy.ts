/**
 * The sanitizer's allow-list: what survives of a feed's HTML. Everything not
 * listed is unwrapped (its text kept) or, for the DROPPED elements, removed
 * with its content. Kept small on purpose: every entry is a promise that it
 * is safe in any reader.
 */

/** Allowed elements and, for each, the only attributes kept. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  a: ["href", "title"],
  abbr: ["title"],
  audio: ["src"],
  b: [],
  blockquote: ["cite"],
  br: [],
  caption: [],
  cite: [],
  code: [],
  dd: [],
  del: ["cite", "datetime"],
  details: [],
  dfn: [],
  div: [],
  dl: [],
  dt: [],
  em: [],
  figcaption: [],
  figure: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  hr: [],
  i: [],
  img: ["src", "alt", "title", "width", "height"],
  ins: ["cite", "datetime"],
  kbd: [],
  li: [],
  mark: [],
  ol: ["start"],
  p: [],
  pre: [],
  q: ["cite"],
  s: [],
  samp: [],
  small: [],
  source: ["src", "type"],
  span: [],
  strong: [],
  sub: [],
  summary: [],
  sup: [],
  table: [],
  tbody: [],
  td: ["colspan", "rowspan"],
  tfoot: [],
  th: ["colspan", "rowspan", "scope"],
  thead: [],
  time: ["datetime"],
  tr: [],
  u: [],
  ul: [],
  var: [],
  video: ["src", "poster", "width", "height"],
};

/** Sectioning elements kept as a plain `div`, so their text stays a separate block. */
export const AS_DIV = new Set([
  "section",
  "article",
  "header",
  "footer",
  "main",
  "aside",
  "nav",
  "address",
  "center",
  "hgroup",
]);

/**
 * Elements whose content is never readable text: plain-text extraction
 * (text.ts, for titles and names) skips what is inside them. The sanitizer
 * drops them too, among the rest of DROPPED.
 */
export const TEXTLESS: ReadonlySet<string> = new Set([
  "script",
  "style",
  "template",
  "noscript",
  "svg",
  "math",
  "object",
  "embed",
  "iframe",
  "select",
  "textarea",
  "head",
  "title",
]);

/**
 * Removed together with everything inside: executable, styling, embedding,
 * form and document-level elements, and the raw-text elements a browser would
 * parse differently from us. `iframe` is handled apart (allowed hosts only).
 * Plain-text extraction keeps the text inside those beyond TEXTLESS (a
 * button's caption, say).
 */
export const DROPPED = new Set([
  ...TEXTLESS,
  "applet",
  "param",
  "frame",
  "frameset",
  "noframes",
  "noembed",
  "xmp",
  "plaintext",
  "listing",
  "form",
  "input",
  "button",
  "option",
  "keygen",
  "base",
  "meta",
  "link",
  "canvas",
  "dialog",
  "portal",
]);

/** Elements without content or end tag. */
export const VOID = new Set(["br", "hr", "img", "source", "wbr"]);

/** Attributes holding a URL: made absolute and canonical, or dropped. */
export const URL_ATTRIBUTES = new Set(["href", "src", "cite", "poster"]);

/** Value shapes of the non-URL, non-text attributes. */
export const ATTRIBUTE_SHAPES: Readonly<Record<string, RegExp>> = {
  width: /^\d{1,5}$/,
  height: /^\d{1,5}$/,
  colspan: /^\d{1,3}$/,
  rowspan: /^\d{1,3}$/,
  start: /^-?\d{1,9}$/,
  scope: /^(?:row|col|rowgroup|colgroup)$/i,
  type: /^[\w.+-]+\/[\w.+-]+(?:\s*;.*)?$/,
};

/**
 * Leaf blocks whose text is compared with the item's earlier blocks: a
 * repeat is dropped. `li` only counts from a few words up, so that two lists
 * may both say "Yes".
 */
export const DEDUPED_BLOCKS = new Set([
  "p",
  "div",
  "blockquote",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "li",
  "dd",
  "dt",
  "figcaption",
  ...AS_DIV,
]);

/** Blocks that separate text but are never compared as a paragraph. */
export const CONTAINER_BLOCKS = new Set([
  "ul",
  "ol",
  "dl",
  "table",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "td",
  "th",
  "caption",
  "pre",
  "hr",
  "figure",
  "details",
  "summary",
]);

/** Minimum words for a list item to be dropped as a repeat. */
export const LIST_ITEM_DEDUPE_WORDS = 4;

/** Table parts are kept even when empty: removing a cell shifts the columns. */
export const TABLE_PARTS = new Set(["table", "thead", "tbody", "tfoot", "tr", "td", "th"]);

/** Hosts serving only tracking pixels. */
export const TRACKER_HOSTS = new Set([
  "pixel.wp.com",
  "stats.wordpress.com",
  "www.google-analytics.com",
  "google-analytics.com",
  "ad.doubleclick.net",
  "pixel.quantserve.com",
  "pi.feedsportal.com",
  "da.feedsportal.com",
  "feeds.feedblitz.com",
  "pixel.feedblitz.com",
  "sb.scorecardresearch.com",
  "b.scorecardresearch.com",
]);

/**
 * What an allowed video iframe becomes: a link to the video ("embed" keeps
 * the iframe). Feed validators warn about any iframe in content, and many
 * readers drop them, so a link is the default.
 */
export type IframePolicy = "link" | "embed";

/** Video players by embed host: their name, and the page that shows an embed's video. */
export const VIDEO_HOSTS: Readonly<
  Record<string, { name: string; watch: (u: URL) => string | null }>
> = {
  "www.youtube.com": { name: "YouTube", watch: youtubeWatch },
  "www.youtube-nocookie.com": { name: "YouTube", watch: youtubeWatch },
  "player.vimeo.com": {
    name: "Vimeo",
    watch: (u) => {
      const id = u.pathname.match(/^\/video\/(\d+)\/?$/)?.[1];
      return id ? `https://vimeo.com/${id}` : null;
    },
  },
};

function youtubeWatch(u: URL): string | null {
  const id = u.pathname.match(/^\/embed\/([\w-]+)\/?$/)?.[1];
  return id ? `https://www.youtube.com/watch?v=${id}` : null;
}

/** The sandbox every kept iframe gets. */
export const IFRAME_SANDBOX = "allow-scripts allow-same-origin allow-popups";
