/**
 * The element tree built straight from the pre-scanned body, without
 * fast-xml-parser: the same tree its output gave (see xmlTree.ts), in a
 * fraction of the time and memory, since the body is already known to be
 * well-formed. It reads the markup exactly as fast-xml-parser (5.x, with the
 * options xmlTree.ts sets) does: tag names end at the first whitespace,
 * attributes come from the same pattern, text pieces are split where it
 * splits them, stop nodes end where its reader ends them.
 *
 * Whatever it is not sure to read the same way (a processing instruction
 * with quotes, a name fast-xml-parser renames or refuses, a stop node it
 * would read leniently, an unusual stop name) makes it give up: it returns
 * null and the caller parses with fast-xml-parser instead.
 */

import { decodeBytes, hasHighBytes } from "./byteText.ts";
import { newElement } from "./element.ts";
import { decodeEntities } from "./entities.ts";
import { endTagName, tagEnd } from "./prescan.ts";
import type { El, SourceSpan } from "./xmlTree.ts";

/** Names fast-xml-parser refuses or renames (prototype keys), as tags or attributes. */
const RENAMED = new Set([
  "__proto__",
  "constructor",
  "prototype",
  "hasOwnProperty",
  "toString",
  "valueOf",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
]);
/** Attributes xmlTree.ts tells fast-xml-parser to ignore. */
const IGNORED_ATTRIBUTES = new Set(["__proto__", "constructor", "prototype"]);
// fast-xml-parser's attribute pattern, unchanged: the same quirks for the same input
const ATTRIBUTE = /([^\s=]+)\s*(=\s*(?:"([^"]*)"|'([^']*)'))?/gm;
const WHITESPACE = /\s/;
// a stop name its path matcher reads as a plain tag (no `.`, `[`, `*`, position)
const PLAIN_NAME = /^[A-Za-z_][\w-]*(?::[A-Za-z_][\w-]*)?$/;

const NOT_ASCII = /[^\u0000-\u007f]/;

/** Thrown inside the builder when the input needs fast-xml-parser's own reading. */
class GiveUp extends Error {}

interface OpenTag {
  name: string;
  /** Attribute text after the name ("" when none), self-closing slash removed. */
  attrText: string;
  selfClosing: boolean;
  /** Index of the tag's `>`. */
  close: number;
}

/**
 * Index of the `?` of the `?>` ending a processing instruction opened at
 * `lt`, read as fast-xml-parser does: from the `?` after `<` (so `<?>` ends
 * there), skipping quoted values; -1 if none.
 */
function piEnd(xml: string, lt: number): number {
  for (let k = lt + 1; k < xml.length; k++) {
    const code = xml.charCodeAt(k);
    if (code === 34 || code === 39) {
      k = xml.indexOf(code === 34 ? '"' : "'", k + 1);
      if (k === -1) return -1;
    } else if (code === 63 && xml.charCodeAt(k + 1) === 62) {
      return k;
    }
  }
  return -1;
}

/**
 * fast-xml-parser's readTagExp: name up to the first whitespace, then the
 * rest. In a byte text (byteText.ts) the tag is decoded first, so attribute
 * values come out as text; a name beyond ASCII gives up, since names are
 * compared as bytes elsewhere.
 */
function readTag(xml: string, lt: number, bytes: boolean): OpenTag | null {
  const close = tagEnd(xml, lt);
  if (close === -1) return null;
  // tabs outside quotes become spaces there: whitespace either way for what follows
  let data = xml.slice(lt + 1, close);
  const decoded = bytes && hasHighBytes(data);
  if (decoded) data = decodeBytes(data);
  const sep = data.search(WHITESPACE);
  let name = sep === -1 ? data : data.slice(0, sep);
  let attrText = sep === -1 ? data : data.slice(sep + 1).trimStart();
  let selfClosing = false;
  if (attrText.length > 0 && attrText.lastIndexOf("/") === attrText.length - 1) {
    selfClosing = true;
    if (name.endsWith("/")) {
      name = name.slice(0, -1);
      attrText = name;
    } else {
      attrText = attrText.slice(0, -1);
    }
  }
  if (decoded && NOT_ASCII.test(name)) throw new GiveUp();
  // fast-xml-parser reads attributes only when the rest differs from the name
  return { name, attrText: attrText === name ? "" : attrText, selfClosing, close };
}

function attributes(text: string): Record<string, string> | null {
  if (text === "") return null;
  let attrs: Record<string, string> | null = null;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(text); m !== null; m = ATTRIBUTE.exec(text)) {
    if (m[0] === "") {
      ATTRIBUTE.lastIndex++;
      continue;
    }
    const name = m[1] as string;
    if (IGNORED_ATTRIBUTES.has(name)) continue;
    if (RENAMED.has(name)) throw new GiveUp();
    attrs ??= {};
    // a bare attribute is `true` there, not a string: kept so, whatever follows
    attrs[name] = m[3] ?? m[4] ?? (true as unknown as string);
  }
  return attrs;
}

/**
 * fast-xml-parser's readStopNodeData: the index of the `<` of the end tag
 * closing the stop node opened before `from`, and of that end tag's `>`.
 */
function stopNodeEnd(xml: string, name: string, from: number, bytes: boolean): [number, number] {
  let open = 1;
  for (let i = xml.indexOf("<", from); i !== -1; i = xml.indexOf("<", i + 1)) {
    const c1 = xml.charCodeAt(i + 1);
    if (c1 === 47) {
      const gt = xml.indexOf(">", i);
      if (gt === -1) throw new GiveUp();
      if (endTagName(xml, i + 2, gt, bytes) === name && --open === 0) return [i, gt];
      i = gt;
    } else if (c1 === 63) {
      const end = xml.indexOf("?>", i + 1);
      if (end === -1) throw new GiveUp();
      i = end + 1;
    } else if (c1 === 33 && xml.charCodeAt(i + 2) === 45 && xml.charCodeAt(i + 3) === 45) {
      const end = xml.indexOf("-->", i + 3);
      if (end === -1) throw new GiveUp();
      i = end + 2;
    } else if (c1 === 33 && xml.charCodeAt(i + 2) === 91) {
      const end = xml.indexOf("]]>", i);
      if (end === -1) throw new GiveUp();
      i = end;
    } else {
      const tag = readTag(xml, i, bytes);
      // fast-xml-parser turns lenient here: leave that reading to it
      if (tag === null) throw new GiveUp();
      const rest = tag.attrText === "" ? tag.name : tag.attrText;
      if (!tag.selfClosing && tag.name === name && !rest.endsWith("/")) open++;
      i = tag.close;
    }
  }
  throw new GiveUp();
}

function build(body: string, stopNames: string[], maxDepth: number, bytes: boolean): El {
  const xml = body.includes("\r") ? body.replace(/\r\n?/g, "\n") : body;
  const stops = new Set(stopNames);
  const doc = { body: xml, stopNames, maxDepth, bytes };
  const stack: El[] = [];
  let root: El | null = null;
  let current: El | null = null;
  // character data since the last point where fast-xml-parser stores it
  let pending = "";
  const flush = () => {
    if (current !== null && pending !== "") {
      current.text += decodeEntities(bytes ? decodeBytes(pending) : pending);
    }
    pending = "";
  };

  let at = 0;
  for (let lt = xml.indexOf("<"); lt !== -1; lt = xml.indexOf("<", at)) {
    if (current !== null) pending += xml.slice(at, lt);
    const c1 = xml.charCodeAt(lt + 1);
    if (c1 === 47) {
      const gt = xml.indexOf(">", lt);
      if (gt === -1 || current === null) throw new GiveUp();
      flush();
      if (current.span) current.span.end = gt + 1;
      stack.pop();
      current = stack[stack.length - 1] ?? null;
      if (current === null) return root as El;
      at = gt + 1;
    } else if (c1 === 63) {
      const end = piEnd(xml, lt);
      if (end === -1) throw new GiveUp();
      flush();
      at = end + 2;
    } else if (c1 === 33 && xml.startsWith("--", lt + 2)) {
      // comments do not split text there: pending carries on
      const end = xml.indexOf("-->", lt + 4);
      if (end === -1) throw new GiveUp();
      at = end + 3;
    } else if (c1 === 33) {
      if (!xml.startsWith("[CDATA[", lt + 2) || current === null) throw new GiveUp();
      const end = xml.indexOf("]]>", lt);
      if (end === -1) throw new GiveUp();
      flush();
      const cdata = xml.slice(lt + 9, end);
      current.text += bytes ? decodeBytes(cdata) : cdata;
      at = end + 3;
    } else {
      const tag = readTag(xml, lt, bytes);
      if (tag === null) throw new GiveUp();
      const { name } = tag;
      // prototype keys, and the names its output format reserves (#text, :@)
      if (RENAMED.has(name) || name === "" || name[0] === "#" || name[0] === ":") {
        throw new GiveUp();
      }
      flush();
      const span: SourceSpan = { doc, start: lt, end: tag.close + 1 };
      const el = newElement(name, attributes(tag.attrText), current, null, span);
      if (current === null) {
        if (root !== null) throw new GiveUp();
        root = el;
      } else {
        current.children.push(el);
      }
      if (stops.has(name)) {
        if (current === null) throw new GiveUp();
        if (tag.selfClosing) {
          el.raw = "";
          at = tag.close + 1;
        } else {
          const [endLt, endGt] = stopNodeEnd(xml, name, tag.close + 1, bytes);
          // left as bytes: decoded when its entry is read (innerMarkup)
          el.raw = xml.slice(tag.close + 1, endLt);
          el.rawIsBytes = bytes;
          at = endGt + 1;
        }
        el.span = null;
      } else if (tag.selfClosing) {
        if (current === null) return el;
        at = tag.close + 1;
      } else {
        stack.push(el);
        if (stack.length > maxDepth + 8) throw new GiveUp();
        current = el;
        at = tag.close + 1;
      }
    }
  }
  // unclosed elements: the pre-scan refuses those, so this is not a body it made
  throw new GiveUp();
}

/**
 * The element tree of a pre-scanned body (see prescan.ts), or null when this
 * builder cannot promise fast-xml-parser's reading of it. With `bytes`, the
 * body is a byte text (byteText.ts): the tree's text and attribute values
 * come out decoded, text constructs' sources stay bytes until read.
 */
export function fastTree(
  body: string,
  stopNames: string[],
  maxDepth: number,
  bytes = false,
): El | null {
  if (!stopNames.every((n) => PLAIN_NAME.test(n))) return null;
  try {
    return build(body, stopNames, maxDepth, bytes);
  } catch (e) {
    if (e instanceof GiveUp) return null;
    throw e;
  }
}
