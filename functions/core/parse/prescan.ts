/**
 * A cheap pass over the markup before fast-xml-parser reads it, for what the
 * library does not do. Its parser is lenient by design: it takes `<a><b></a>`,
 * a truncated document, or `length=12345` (dropping the attribute) without a
 * word, and builds every object before we could count them. Its validator is
 * strict where feeds are sloppy: it refuses the "AT&T" and trailing junk that
 * readers accept. This scan, which jumps between `<` with indexOf:
 *
 * - refuses malformed XML (unbalanced or unclosed tags, unquoted attribute
 *   values) with the line and column a user can act on;
 * - enforces the depth and item limits before anything is built;
 * - cuts out the DOCTYPE, so that it is never resolved: no entity expands;
 * - cuts off trailing junk after the root element (a PHP warning, an
 *   analytics snippet) instead of failing the feed;
 * - escapes a bare `<` in text ("a < b"), which would otherwise make the
 *   parser swallow the following tags;
 * - decides which elements are text constructs, by namespace URI, so the
 *   parser hands back their inner source unparsed ("stop nodes").
 */

import { FeedLimitError, FeedParseError } from "../errors.ts";
import { decodeBytes, hasHighBytes, NeedsDecodedText } from "./byteText.ts";
import {
  CONVENTIONAL_PREFIXES,
  namespaceId,
  TEXT_CONSTRUCT_LOCALS,
  TEXT_CONSTRUCTS,
} from "./namespaces.ts";

/** What the scan found. */
export interface Prescan {
  /** The document to parse: DOCTYPE and trailing junk removed, bare `<` escaped. */
  body: string;
  /** Qualified names (as written) of elements whose inner source must stay raw. */
  stopNames: string[];
}

export interface PrescanLimits {
  source: string;
  maxItems: number;
  maxDepth: number;
}

interface Scope {
  depth: number;
  prefix: string;
  id: string;
}

const XMLNS = /\sxmlns(?::([^\s=/>]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Line and column of a position, for error messages a user can act on. */
function where(text: string, pos: number): string {
  let line = 1;
  let last = -1;
  for (let k = text.indexOf("\n"); k !== -1 && k < pos; k = text.indexOf("\n", k + 1)) {
    line++;
    last = k;
  }
  return `line ${line}, column ${pos - last}`;
}

/**
 * The name in an end tag between `from` and its `>`, trimmed. In a byte text
 * a name beyond ASCII throws NeedsDecodedText: it would be trimmed as bytes.
 */
function endTagName(text: string, from: number, gt: number, bytes: boolean): string {
  const raw = text.slice(from, gt);
  if (bytes && hasHighBytes(raw)) throw new NeedsDecodedText();
  return raw.trim();
}

/** Could this character start an element name? (Anything else after `<` is text.) */
function startsName(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    code === 95 || // _
    code === 58 || // :
    code > 127
  );
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * Index of the `>` closing the tag opened at `lt`, skipping quoted values; -1
 * if none. fast-xml-parser finds a tag's end the same way.
 */
function tagEnd(text: string, lt: number): number {
  for (let k = lt + 1; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code === 62) return k; // >
    if (code === 34 || code === 39) {
      k = text.indexOf(code === 34 ? '"' : "'", k + 1);
      if (k === -1) return -1;
    }
  }
  return -1;
}

/** The element name at `lt + 1` (up to whitespace, `/` or `>`). */
function nameAt(text: string, lt: number, end: number): string {
  let k = lt + 1;
  while (k < end) {
    const code = text.charCodeAt(k);
    if (isSpace(code) || code === 47 || code === 62) break;
    k++;
  }
  return text.slice(lt + 1, k);
}

/** End (exclusive) of a DOCTYPE starting at `lt`, including an internal subset. */
function doctypeEnd(text: string, lt: number): number {
  let inSubset = false;
  for (let k = lt + 9; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code === 34 || code === 39) {
      k = text.indexOf(code === 34 ? '"' : "'", k + 1);
      if (k === -1) return -1;
    } else if (code === 91)
      inSubset = true; // [
    else if (code === 93)
      inSubset = false; // ]
    else if (code === 60 && text.startsWith("<!--", k)) {
      k = text.indexOf("-->", k + 4);
      if (k === -1) return -1;
      k += 2;
    } else if (code === 62 && !inSubset) return k + 1;
  }
  return -1;
}

// One attribute as XML writes it: whitespace, a name, "=", a quoted value.
const ATTRIBUTE = /[ \t\r\n]+([^ \t\r\n=/>"']+)[ \t\r\n]*=[ \t\r\n]*(?:"[^"]*"|'[^']*')/y;

/**
 * Offset of the first attribute in `attrs` that is not well-formed XML, or
 * -1. In a byte text a name beyond ASCII throws NeedsDecodedText.
 */
function malformedAttribute(attrs: string, bytes: boolean): number {
  let at = 0;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(attrs); m !== null; m = ATTRIBUTE.exec(attrs)) {
    if (bytes && hasHighBytes(m[1] as string)) throw new NeedsDecodedText();
    at = ATTRIBUTE.lastIndex;
  }
  const space = /^[ \t\r\n]*/.exec(attrs.slice(at))![0].length;
  return at + space === attrs.length ? -1 : at + space;
}

/**
 * Scans a decoded document, or a byte text when `bytes` is set (byteText.ts).
 * Throws FeedParseError for malformed markup and FeedLimitError for `depth`
 * / `items` before any tree is built. In a byte text, any name beyond ASCII
 * (of an element or an attribute) throws NeedsDecodedText: fast-xml-parser
 * would split it on the byte 0xA0, which JavaScript takes for whitespace.
 */
export function prescan(text: string, limits: PrescanLimits, bytes = false): Prescan {
  const { source } = limits;
  const fail = (message: string, pos: number): never => {
    throw new FeedParseError(source, `malformed XML: ${message} (${where(text, pos)})`);
  };

  const stack: string[] = [];
  const scopes: Scope[] = [];
  const stopNames = new Set<string>();
  /** Replacements [start, end, text] applied in order to build the body. */
  const edits: [number, number, string][] = [];
  let root: string | null = null;
  let rootEnd = text.length;
  let items = 0;

  const lookup = (prefix: string): string => {
    for (let k = scopes.length - 1; k >= 0; k--) {
      if (scopes[k]!.prefix === prefix) return scopes[k]!.id;
    }
    return prefix === "" ? "" : (CONVENTIONAL_PREFIXES.get(prefix) ?? `?${prefix}`);
  };
  const popScopes = (depth: number) => {
    while (scopes.length > 0 && scopes[scopes.length - 1]!.depth >= depth) scopes.pop();
  };
  const next = (from: number) => text.indexOf("<", from);

  let i = next(0);
  while (i !== -1) {
    const c1 = text.charCodeAt(i + 1);
    if (c1 === 47) {
      // end tag
      const gt = text.indexOf(">", i + 2);
      if (gt === -1) fail("end tag is not closed", i);
      const name = endTagName(text, i + 2, gt, bytes);
      const open = stack.pop();
      if (open === undefined) fail(`end tag </${name}> has no start tag`, i);
      if (open !== name) fail(`expected </${open}> but found </${name}>`, i);
      popScopes(stack.length);
      if (stack.length === 0) {
        rootEnd = gt + 1;
        break;
      }
      i = next(gt + 1);
    } else if (c1 === 63) {
      // processing instruction or XML declaration
      const end = text.indexOf("?>", i + 2);
      if (end === -1) fail("processing instruction is not closed", i);
      i = next(end + 2);
    } else if (c1 === 33) {
      if (text.startsWith("<!--", i)) {
        const end = text.indexOf("-->", i + 4);
        if (end === -1) fail("comment is not closed", i);
        i = next(end + 3);
      } else if (text.startsWith("<![CDATA[", i) && stack.length > 0) {
        const end = text.indexOf("]]>", i + 9);
        if (end === -1) fail("CDATA section is not closed", i);
        i = next(end + 3);
      } else if (text.startsWith("<!DOCTYPE", i) && root === null) {
        // Never resolved, never even seen by the parser: no entity can expand.
        const end = doctypeEnd(text, i);
        if (end === -1) fail("DOCTYPE is not closed", i);
        edits.push([i, end, ""]);
        i = next(end);
      } else {
        i = fail("unexpected '<!'", i);
      }
    } else if (!startsName(c1)) {
      // "a < b": a bare less-than in text. Escape it rather than lose the tags after it.
      if (stack.length === 0) fail("text outside the root element", i);
      edits.push([i, i + 1, "&lt;"]);
      i = next(i + 1);
    } else {
      // start tag
      const end = tagEnd(text, i);
      if (end === -1) fail("start tag is not closed", i);
      const name = nameAt(text, i, end);
      if (bytes && hasHighBytes(name)) throw new NeedsDecodedText();
      const selfClosing = text.charCodeAt(end - 1) === 47;
      const depth = stack.length;
      if (root === null) root = name;

      const attrsFrom = i + 1 + name.length;
      const bad = malformedAttribute(text.slice(attrsFrom, selfClosing ? end - 1 : end), bytes);
      if (bad !== -1) fail(`attribute in <${name}> without a quoted value`, attrsFrom + bad);
      const tag = text.slice(i, end);
      if (tag.includes("xmlns")) {
        for (const m of (bytes ? decodeBytes(tag) : tag).matchAll(XMLNS)) {
          scopes.push({ depth, prefix: m[1] ?? "", id: namespaceId(m[2] ?? m[3] ?? "") });
        }
      }
      const colon = name.indexOf(":");
      const local = colon === -1 ? name : name.slice(colon + 1);
      if ((local === "item" || local === "entry") && depth <= 2) {
        items++;
        if (items > limits.maxItems) {
          throw new FeedLimitError(
            source,
            "items",
            limits.maxItems,
            `more than ${limits.maxItems} entries`,
          );
        }
      }

      if (selfClosing) {
        popScopes(depth);
        if (depth === 0) {
          rootEnd = end + 1;
          break;
        }
        i = next(end + 1);
      } else if (
        TEXT_CONSTRUCT_LOCALS.has(local) &&
        TEXT_CONSTRUCTS.get(lookup(colon === -1 ? "" : name.slice(0, colon)))?.has(local) &&
        depth > 0
      ) {
        stopNames.add(name);
        const after = skipRaw(text, name, end + 1, edits, bytes);
        if (after === -1) fail(`<${name}> is not closed (is the document truncated?)`, i);
        popScopes(depth);
        i = next(after);
      } else {
        stack.push(name);
        if (stack.length > limits.maxDepth) {
          throw new FeedLimitError(
            source,
            "depth",
            limits.maxDepth,
            `elements nested deeper than ${limits.maxDepth}`,
          );
        }
        i = next(end + 1);
      }
    }
  }

  if (root === null) fail("no root element", text.length);
  if (stack.length > 0) {
    fail(`<${stack[stack.length - 1]}> is not closed (is the document truncated?)`, text.length);
  }
  if (rootEnd < text.length) edits.push([rootEnd, text.length, ""]);
  return { body: applyEdits(text, edits), stopNames: [...stopNames] };
}

/**
 * Skips the raw inner source of a text construct the way fast-xml-parser reads
 * a stop node (same-name nesting, CDATA, comments), so both agree on where it
 * ends. Returns the index after its end tag, or -1 when it never closes.
 */
function skipRaw(
  text: string,
  name: string,
  from: number,
  edits: [number, number, string][],
  bytes: boolean,
): number {
  let open = 1;
  let i = text.indexOf("<", from);
  while (i !== -1) {
    const c1 = text.charCodeAt(i + 1);
    if (c1 === 47) {
      const gt = text.indexOf(">", i + 2);
      if (gt === -1) return -1;
      if (endTagName(text, i + 2, gt, bytes) === name && --open === 0) return gt + 1;
      i = text.indexOf("<", gt + 1);
    } else if (text.startsWith("<![CDATA[", i)) {
      const end = text.indexOf("]]>", i + 9);
      if (end === -1) return -1;
      i = text.indexOf("<", end + 3);
    } else if (text.startsWith("<!--", i)) {
      const end = text.indexOf("-->", i + 4);
      if (end === -1) return -1;
      i = text.indexOf("<", end + 3);
    } else if (c1 === 63) {
      const end = text.indexOf("?>", i + 2);
      if (end === -1) return -1;
      i = text.indexOf("<", end + 2);
    } else if (!startsName(c1)) {
      edits.push([i, i + 1, "&lt;"]);
      i = text.indexOf("<", i + 1);
    } else {
      const end = tagEnd(text, i);
      if (end === -1) return -1;
      if (nameAt(text, i, end) === name && text.charCodeAt(end - 1) !== 47) open++;
      i = text.indexOf("<", end + 1);
    }
  }
  return -1;
}

function applyEdits(text: string, edits: [number, number, string][]): string {
  if (edits.length === 0) return text;
  const only = edits[0] as [number, number, string];
  // the usual edit, the newline after the root element: a view, not a copy of the document
  if (edits.length === 1 && only[1] === text.length && only[2] === "") {
    return text.slice(0, only[0]);
  }
  const parts: string[] = [];
  let at = 0;
  for (const [start, end, replacement] of edits) {
    parts.push(text.slice(at, start), replacement);
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}
