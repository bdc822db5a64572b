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
import { readConfigJson } from "../runtime/config-file.ts";

/** A source as `add` and `sources import` write it. */
export interface NewSource {
  name: string;
  url: string;
}

/** The config file as text, as JSON, and as the validated config. */
export interface ConfigDocument {
  path: string;
  text: string;
  value: Record<string, unknown>;
  config: Config;
}

export function readConfigDocument(path: string): ConfigDocument {
  const { text, value } = readConfigJson(path);
  const config = parseConfig(value);
  return { path, text, value: value as Record<string, unknown>, config };
}

/** A URL as the config stores it (the URL parser's form), for comparing sources. */
export function sameUrlKey(url: string): string {
  return URL.canParse(url) ? new URL(url).href : url;
}

/** The configured source that already has this URL, if any. */
export function sourceWithUrl(config: Config, url: string) {
  const key = sameUrlKey(url);
  return config.sources.find((s) => s.url !== null && sameUrlKey(s.url) === key) ?? null;
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

/** Index just past the value that starts at `i` in JSON text (no validation: the text parsed). */
function valueEnd(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j]!;
    if (c === '"') {
      for (j++; text[j] !== '"'; j++) if (text[j] === "\\") j++;
      if (depth === 0) return j + 1;
    } else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return j + 1;
    } else if (depth === 0 && /[,\s}\]]/.test(text[j + 1] ?? "}")) return j + 1;
  }
  return text.length;
}

/** The `sources` array of the top-level object: where it opens and closes, or null. */
function sourcesArray(text: string): { open: number; close: number } | null {
  let i = text.indexOf("{");
  if (i === -1) return null;
  i++;
  const skip = () => {
    while (i < text.length && /[\s,]/.test(text[i]!)) i++;
  };
  for (skip(); i < text.length && text[i] !== "}"; skip()) {
    const keyEnd = valueEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = text.indexOf(":", keyEnd) + 1;
    while (/\s/.test(text[i]!)) i++;
    const end = valueEnd(text, i);
    if (key === "sources" && text[i] === "[") return { open: i, close: end - 1 };
    i = end;
  }
  return null;
}

/** The text with `added` appended to the sources array, laid out like its neighbours. */
function spliced(text: string, added: NewSource[]): string | null {
  const at = sourcesArray(text);
  if (at === null) return null;
  const inside = text.slice(at.open + 1, at.close);
  const lineStart = text.lastIndexOf("\n", at.open) + 1;
  const outer = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const items = added.map(
    (s) => `{ "name": ${JSON.stringify(s.name)}, "url": ${JSON.stringify(s.url)} }`,
  );
  if (inside.trim() === "") {
    const pad = `${outer}  `;
    return `${text.slice(0, at.open + 1)}\n${items.map((x) => pad + x).join(",\n")}\n${outer}${text.slice(at.close)}`;
  }
  const last = at.open + 1 + inside.trimEnd().length;
  // The indentation of the array's last line that starts an element.
  const pad = /\n([ \t]*)\S[^\n]*$/.exec(text.slice(0, last))?.[1] ?? `${outer}  `;
  const multiline = text.slice(at.open, last).includes("\n");
  const sep = multiline ? `,\n${pad}` : ", ";
  return `${text.slice(0, last)}${items.map((x) => sep + x).join("")}${text.slice(last)}`;
}

/**
 * Appends sources to the config file and returns the config it now holds.
 * The file keeps its own layout when its `sources` array can be found in the
 * text; otherwise it is rewritten as indented JSON with the same content.
 * Throws ConfigError, writing nothing, when the result would not validate.
 */
export function appendSources(doc: ConfigDocument, added: NewSource[]): Config {
  const sources = Array.isArray(doc.value.sources) ? doc.value.sources : [];
  const expected = { ...doc.value, sources: [...sources, ...added] };
  let text = spliced(doc.text, added);
  if (text === null || !sameJson(text, expected)) {
    text = `${JSON.stringify(expected, null, 2)}\n`;
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
