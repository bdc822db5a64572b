/**
 * Text constructs: titles, descriptions, summaries and content, read from
 * the raw inner source the parser handed back, with their type decided the
 * way each format declares it. Values are trimmed; empty ones become null.
 */

import { interpretRaw } from "./entities.ts";
import type { RawText } from "./raw.ts";
import { attr, type El, innerMarkup } from "./xmlTree.ts";

/** The plain text of an element: references decoded, CDATA unwrapped, trimmed. */
export function textOf(el: El): string {
  if (el.raw === null && el.children.length === 0) return el.text.trim();
  return interpretRaw(innerMarkup(el)).value.trim();
}

/** Like textOf, but null when empty. */
export function textOrNull(el: El): string | null {
  const text = textOf(el);
  return text === "" ? null : text;
}

/**
 * An RSS text element. `kind` is what the format means: titles are text,
 * descriptions and content:encoded are HTML by convention. A title holding
 * unescaped tags is markup whatever the convention says.
 */
export function rssText(el: El, kind: "text" | "html"): RawText | null {
  return fromKind(innerMarkup(el), kind);
}

/** Inline HTML tags that, in an RSS title, mean the publisher wrote markup. */
const INLINE_HTML =
  /<\/?(?:a|abbr|b|br|cite|code|em|i|img|kbd|mark|q|s|small|span|strong|sub|sup|u)\b[^>]*>/i;

/**
 * An RSS title. The spec says plain text, but publishers put `<i>` and
 * `<code>` in titles (in CDATA, escaped, or as elements) and readers render
 * them; a title using such inline tags is typed html so the normalizer strips
 * the tags instead of showing them. `<script>` is not among them: a title
 * about XSS stays literal text.
 */
export function rssTitle(el: El): RawText | null {
  const text = rssText(el, "text");
  if (text !== null && text.type === "text" && INLINE_HTML.test(text.value)) text.type = "html";
  return text;
}

/** media:description / media:title: `type="html"` or plain. */
export function mediaText(el: El): RawText | null {
  return rssText(el, attr(el, "type")?.trim().toLowerCase() === "html" ? "html" : "text");
}

/** What an Atom `type` (or Atom 0.3 MIME type) says the construct holds. */
function kindOfType(type: string): "text" | "html" | "xhtml" | null {
  const t = type.trim().toLowerCase();
  if (t === "text" || t === "html" || t === "xhtml") return t;
  if (t === "text/html") return "html";
  if (t === "application/xhtml+xml" || t.endsWith("/xml") || t.endsWith("+xml")) return "xhtml";
  if (t.startsWith("text/")) return "text";
  return null; // binary content (images, audio): nothing a reader can show as text
}

/**
 * The inner markup of an Atom xhtml construct: the value is the content of
 * the wrapping `<div>`, which belongs to the format, not to the text.
 */
function unwrapXhtmlDiv(raw: string): string {
  const s = raw.trim();
  const open = /^<([A-Za-z_][\w.-]*:)?div(?=[\s/>])/.exec(s);
  if (!open) return s;
  const prefix = open[1] ?? "";
  const gt = s.indexOf(">");
  if (gt === -1) return s;
  if (s.charCodeAt(gt - 1) === 47) return ""; // <div/>
  const close = `</${prefix}div>`;
  const end = s.endsWith(close) ? s.length - close.length : s.length;
  const inner = s.slice(gt + 1, end).trim();
  // `<xhtml:div><xhtml:p>` → `<p>`: the prefix is XML's business, not HTML's.
  return prefix ? inner.replaceAll(`<${prefix}`, "<").replaceAll(`</${prefix}`, "</") : inner;
}

/** CDATA inside inline XHTML becomes escaped text: HTML has no CDATA sections. */
function cdataAsText(markup: string): string {
  if (!markup.includes("<![CDATA[")) return markup;
  return markup.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, text: string) =>
    text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;"),
  );
}

/** Decodes Atom 0.3 `mode="base64"` content as UTF-8 text; null when not base64. */
function fromBase64(text: string): string | null {
  try {
    const bytes = Uint8Array.from(atob(text.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8").decode(bytes);
  } catch {
    return null;
  }
}

function fromKind(raw: string, kind: "text" | "html" | "xhtml"): RawText | null {
  if (kind === "xhtml") {
    const value = cdataAsText(unwrapXhtmlDiv(raw));
    return value === "" ? null : { value, type: "xhtml" };
  }
  const { value, markup } = interpretRaw(raw);
  const trimmed = value.trim();
  if (trimmed === "") return null;
  return { value: trimmed, type: kind === "html" || markup ? "html" : "text" };
}

/** An Atom 1.0 text construct (title, summary, content, subtitle, rights). */
export function atomText(el: El): RawText | null {
  // Out-of-line content (`src`) has no text of its own here.
  if (el.local === "content" && attr(el, "src") !== null) return null;
  const kind = kindOfType(attr(el, "type") ?? "text");
  return kind === null ? null : fromKind(innerMarkup(el), kind);
}

/**
 * An Atom 0.3 construct: `type` is a MIME type (default text/plain) and
 * `mode` says how it is written: `xml` (inline, the default), `escaped` or
 * `base64`.
 */
export function atom03Text(el: El): RawText | null {
  const kind = kindOfType(attr(el, "type") ?? "text/plain");
  if (kind === null) return null;
  const mode = (attr(el, "mode") ?? "xml").trim().toLowerCase();
  const raw = innerMarkup(el);
  if (mode === "base64") {
    const decoded = fromBase64(interpretRaw(raw).value);
    if (decoded === null || decoded.trim() === "") return null;
    return { value: decoded.trim(), type: kind };
  }
  if (mode === "escaped") return fromKind(raw, kind === "text" ? "text" : "html");
  // Inline: markup means XHTML; an escaped HTML string without tags is HTML.
  if (kind === "text") return fromKind(raw, "text");
  return interpretRaw(raw).markup ? fromKind(raw, "xhtml") : fromKind(raw, "html");
}
