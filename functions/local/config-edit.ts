/**
 * Adding sources to `cleanfeed.config.json` without disturbing the rest of
 * it: the new entries are spliced into the `sources` array as text, so the
 * user's layout, key order and other settings stay as they wrote them. What is
 * written is first validated with the config's own schema, and written
 * atomically (a temporary file renamed over the old one).
 */

import { renameSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { type Config, parseConfig } from "../core/config.ts";
import { isObject } from "../core/json.ts";
import type { loadConfig } from "./runtime.ts";

/** A source as `add` and `sources import` write it. */
export interface NewSource {
  name: string;
  url: string;
}

/** A URL as the config stores it (the URL parser's form), for comparing sources. */
export function sameUrlKey(url: string): string {
  return URL.canParse(url) ? new URL(url).href : url;
}

/**
 * A short source name from a feed's title (or its URL's host when it has
 * none): lower-case words joined by hyphens, unique among `taken`.
 */
export function sourceName(title: string | null, url: string, taken: Set<string>): string {
  const slug = (s: string) =>
    s
      .normalize("NFKD")
      .replace(/\p{M}+/gu, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40)
      .replace(/-+$/, "");
  let base = slug(title ?? "");
  if (base === "" && URL.canParse(url)) base = slug(new URL(url).hostname.replace(/^www\./, ""));
  if (base === "") base = "source";
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
  taken.add(name);
  return name;
}

/** Where the array or object opening at `open` closes (strings skipped), or -1. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "[" || c === "{") depth++;
    else if ((c === "]" || c === "}") && --depth === 0) return i;
  }
  return -1;
}

/** The text with `added` appended between `open` and `close`, laid out like its neighbours. */
function splice(text: string, open: number, close: number, added: NewSource[]): string {
  const inside = text.slice(open + 1, close);
  const lineStart = text.lastIndexOf("\n", open) + 1;
  const outer = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const items = added.map(
    (s) => `{ "name": ${JSON.stringify(s.name)}, "url": ${JSON.stringify(s.url)} }`,
  );
  if (inside.trim() === "") {
    const pad = `${outer}  `;
    return `${text.slice(0, open + 1)}\n${items.map((x) => pad + x).join(",\n")}\n${outer}${text.slice(close)}`;
  }
  const last = open + 1 + inside.trimEnd().length;
  // The indentation of the array's last line that starts an element.
  const pad = /\n([ \t]*)\S[^\n]*$/.exec(text.slice(0, last))?.[1] ?? `${outer}  `;
  const multiline = text.slice(open, last).includes("\n");
  const sep = multiline ? `,\n${pad}` : ", ";
  return `${text.slice(0, last)}${items.map((x) => sep + x).join("")}${text.slice(last)}`;
}

/**
 * Appends sources to the config file and returns the config it now holds.
 * The file keeps its own layout when its `sources` array can be found in the
 * text; otherwise it is rewritten as indented JSON with the same content.
 * Throws ConfigError, writing nothing, when the result would not validate.
 */
export function appendSources(doc: ReturnType<typeof loadConfig>, added: NewSource[]): Config {
  const sources = Array.isArray(doc.value.sources) ? doc.value.sources : [];
  const expected = { ...doc.value, sources: [...sources, ...added] };
  // The `sources` array is the one whose splice reads back as the expected config.
  let text = `${JSON.stringify(expected, null, 2)}\n`;
  for (const match of doc.text.matchAll(/"sources"\s*:\s*\[/g)) {
    const open = match.index + match[0].length - 1;
    const close = closingBracket(doc.text, open);
    const candidate = close < 0 ? "" : splice(doc.text, open, close, added);
    if (sameJson(candidate, expected)) {
      text = candidate;
      break;
    }
  }
  const config = parseConfig(JSON.parse(text));
  const temporary = `${doc.path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, "utf-8");
  renameSync(temporary, doc.path);
  return config;
}

function sameJson(text: string, expected: unknown): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) && isDeepStrictEqual(value, expected);
  } catch {
    return false;
  }
}
