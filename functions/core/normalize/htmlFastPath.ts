/**
 * A fast reading of the HTML that feeds usually carry, reporting to the same
 * callbacks htmlparser2's `Tokenizer` calls, in the same order (a run of text
 * may come in other pieces; its content is the same). It finds tags, text
 * and references with the engine's native `indexOf` instead of a state
 * switch per character.
 *
 * It knows its limits: anything it is not sure to read exactly as the
 * Tokenizer does makes it stop and return false, and the caller starts
 * over with the Tokenizer. That is: `<!doctype>`, `<?…>`, CDATA, `<title>`
 * and `<textarea>` (whose text is read otherwise), an odd `/` or `=` in a
 * tag, `</` not followed by a letter, a tag or comment cut off by the end,
 * and any reference but `&amp; &lt; &gt; &quot; &apos; &nbsp;` and numeric
 * ones (with their `;`) to an ordinary character. A bare `&` followed by
 * neither a letter, a digit nor `#` is text, as there.
 */

/** The Tokenizer's callbacks this reading uses (htmlparser2's `Callbacks`). */
export interface TokenCallbacks {
  ontext(start: number, end: number): void;
  ontextentity(codepoint: number, end: number): void;
  onopentagname(start: number, end: number): void;
  onattribname(start: number, end: number): void;
  onattribdata(start: number, end: number): void;
  onattribentity(codepoint: number): void;
  onattribend(quote: number, end: number): void;
  onopentagend(end: number): void;
  onselfclosingtag(end: number): void;
  onclosetag(start: number, end: number): void;
  onend(): void;
}

// htmlparser2's QuoteType
const QUOTE_NONE = 0;
const QUOTE_UNQUOTED = 1;
const QUOTE_SINGLE = 2;
const QUOTE_DOUBLE = 3;

const GT = 62;
const SLASH = 47;
const EQ = 61;
const HASH = 35;
const DQ = 34;
const SQ = 39;
const BANG = 33;
const QUESTION = 63;
const SEMI = 59;

/** htmlparser2's whitespace: space, \n, \t, \f, \r. */
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 12 || c === 13;
}

function isAlpha(c: number): boolean {
  return (c | 0x20) - 97 >= 0 && (c | 0x20) - 97 < 26;
}

function isAlnum(c: number): boolean {
  return isAlpha(c) || (c >= 48 && c <= 57);
}

const NAMED = new Map([
  ["amp", 38],
  ["lt", 60],
  ["gt", 62],
  ["quot", 34],
  ["apos", 39],
  ["nbsp", 160],
]);

/** Not a reference: the `&` is text. */
const LITERAL = -1;
/** A reference this reading leaves to the Tokenizer. */
const UNSURE = -2;

/**
 * The reference at `amp` (an `&`): its code point, with its length in
 * `refEnd`; or LITERAL, or UNSURE.
 */
let refEnd = 0;
function reference(s: string, amp: number): number {
  const c = s.charCodeAt(amp + 1);
  if (c === HASH) {
    let k = amp + 2;
    const hex = (s.charCodeAt(k) | 0x20) === 120; // x
    if (hex) k++;
    const digits = k;
    let value = 0;
    for (; k < s.length && k - digits < 7; k++) {
      const d = s.charCodeAt(k);
      if (d >= 48 && d <= 57) value = value * (hex ? 16 : 10) + (d - 48);
      else if (hex && (d | 0x20) >= 97 && (d | 0x20) <= 102) value = value * 16 + (d | 0x20) - 87;
      else break;
    }
    if (k === digits || s.charCodeAt(k) !== SEMI) return UNSURE;
    // what the decoder replaces (NUL, C1 as windows-1252, surrogates, beyond Unicode)
    if (value === 0 || (value >= 0x80 && value < 0xa0)) return UNSURE;
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) return UNSURE;
    refEnd = k + 1;
    return value;
  }
  if (!isAlnum(c)) return amp + 1 < s.length ? LITERAL : UNSURE;
  const semi = s.indexOf(";", amp + 2);
  if (semi === -1 || semi - amp > 5) return UNSURE;
  const code = NAMED.get(s.slice(amp + 1, semi));
  if (code === undefined) return UNSURE;
  refEnd = semi + 1;
  return code;
}

/**
 * The last search for `&` in the document being read: where it started and
 * what it found (-1: none after it). Each run of text or value asks for the
 * next `&`, which may be paragraphs away: one native search answers every
 * question up to the `&` it found, instead of each searching that far again.
 */
let ampFrom = -1;
let ampAt = -1;
/** The document it was searched in (the answer is only good for that one). */
let ampIn: string | null = null;

/** Index of the first `&` at or after `from` in `s`, or -1. */
function nextAmp(s: string, from: number): number {
  if (ampIn === s && from >= ampFrom && (ampAt === -1 || from <= ampAt)) return ampAt;
  ampIn = s;
  ampFrom = from;
  ampAt = s.indexOf("&", from);
  return ampAt;
}

/**
 * Reports the text from `start` to `end` (an attribute value when `inValue`),
 * references decoded; false when a reference is one to leave to the Tokenizer.
 */
function pieces(s: string, start: number, end: number, cbs: TokenCallbacks, inValue: boolean) {
  let from = start;
  let amp = nextAmp(s, start);
  while (amp !== -1 && amp < end) {
    const cp = reference(s, amp);
    if (cp === UNSURE || (cp !== LITERAL && refEnd > end)) return false;
    if (cp !== LITERAL) {
      if (inValue) {
        if (amp > from) cbs.onattribdata(from, amp);
        cbs.onattribentity(cp);
      } else {
        if (amp > from) cbs.ontext(from, amp);
        cbs.ontextentity(cp, refEnd);
      }
      from = refEnd;
    }
    amp = nextAmp(s, cp === LITERAL ? amp + 1 : refEnd);
  }
  if (end > from) {
    if (inValue) cbs.onattribdata(from, end);
    else cbs.ontext(from, end);
  }
  return true;
}

/**
 * Reads a start tag whose name starts at `lt + 1`; returns the index after
 * its `>` (and its raw text for script and style), or -1 to give up.
 */
function startTag(s: string, lt: number, cbs: TokenCallbacks): number {
  const n = s.length;
  let j = lt + 2;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c === SLASH || c === GT || isSpace(c)) break;
    j++;
  }
  if (j === n) return -1;
  const name = s.slice(lt + 1, j).toLowerCase();
  if (name === "title" || name === "textarea") return -1;
  cbs.onopentagname(lt + 1, j);
  for (;;) {
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    if (j === n) return -1;
    let c = s.charCodeAt(j);
    if (c === GT) {
      cbs.onopentagend(j);
      return name === "script" || name === "style" ? rawText(s, j + 1, name, cbs) : j + 1;
    }
    if (c === SLASH) {
      if (s.charCodeAt(j + 1) !== GT) return -1;
      cbs.onselfclosingtag(j + 1);
      return j + 2;
    }
    if (c === EQ) return -1;
    // an attribute name: up to "=", "/", ">" or whitespace
    const nameStart = j;
    j++;
    while (j < n) {
      c = s.charCodeAt(j);
      if (c === EQ || c === SLASH || c === GT || isSpace(c)) break;
      j++;
    }
    if (j === n) return -1;
    cbs.onattribname(nameStart, j);
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    if (j === n) return -1;
    c = s.charCodeAt(j);
    if (c !== EQ) {
      // no value: "/", ">" or the next attribute's name follows
      cbs.onattribend(QUOTE_NONE, j);
      continue;
    }
    j++;
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    if (j === n) return -1;
    c = s.charCodeAt(j);
    if (c === DQ || c === SQ) {
      const close = s.indexOf(c === DQ ? '"' : "'", j + 1);
      if (close === -1 || !pieces(s, j + 1, close, cbs, true)) return -1;
      cbs.onattribend(c === DQ ? QUOTE_DOUBLE : QUOTE_SINGLE, close + 1);
      j = close + 1;
    } else {
      const start = j;
      while (j < n && !isSpace(s.charCodeAt(j)) && s.charCodeAt(j) !== GT) j++;
      if (j === n || !pieces(s, start, j, cbs, true)) return -1;
      cbs.onattribend(QUOTE_UNQUOTED, j);
    }
  }
}

/**
 * The content of a script or style element, up to `</name` (any case)
 * followed by `>` or whitespace: reported as text, then the end tag.
 * Returns the index after that end tag's `>`, or -1.
 */
function rawText(s: string, from: number, name: string, cbs: TokenCallbacks): number {
  let k = from;
  for (;;) {
    const q = s.indexOf("</", k);
    if (q === -1) return -1;
    const after = q + 2 + name.length;
    if (
      after < s.length &&
      s.slice(q + 2, after).toLowerCase() === name &&
      (s.charCodeAt(after) === GT || isSpace(s.charCodeAt(after)))
    ) {
      if (q > from) cbs.ontext(from, q);
      cbs.onclosetag(q + 2, after);
      const gt = s.indexOf(">", after);
      return gt === -1 ? -1 : gt + 1;
    }
    k = q + 1;
  }
}

/**
 * Reads `s` to `cbs` as htmlparser2's Tokenizer would (HTML mode, entities
 * decoded); false, part way through, when it meets something it leaves to
 * the Tokenizer: the caller must then start over, from fresh state. Not
 * re-entrant (the last reference's end and the last search for `&` are
 * module state): a callback must not read another document with it.
 */
export function tokenizeFast(s: string, cbs: TokenCallbacks): boolean {
  // the Tokenizer matches end tags of raw text by (c | 0x20): these two would pass for < and /
  if (s.includes("\u001c") || s.includes("\u000f")) return false;
  // a new document: what the last search found was in another
  ampIn = null;
  const n = s.length;
  // text since the last tag starts here
  let text = 0;
  let at = 0;
  for (;;) {
    const lt = s.indexOf("<", at);
    if (lt === -1 || lt === n - 1) break;
    const c1 = s.charCodeAt(lt + 1);
    let next: number;
    if (isAlpha(c1)) {
      if (!pieces(s, text, lt, cbs, false)) return false;
      next = startTag(s, lt, cbs);
    } else if (c1 === SLASH) {
      if (!isAlpha(s.charCodeAt(lt + 2))) return false;
      if (!pieces(s, text, lt, cbs, false)) return false;
      let j = lt + 3;
      while (j < n && s.charCodeAt(j) !== GT && !isSpace(s.charCodeAt(j))) j++;
      if (j === n) return false;
      cbs.onclosetag(lt + 2, j);
      const gt = s.indexOf(">", j);
      next = gt === -1 ? -1 : gt + 1;
    } else if (c1 === BANG) {
      if (s.charCodeAt(lt + 2) !== 45 || s.charCodeAt(lt + 3) !== 45) return false;
      if (!pieces(s, text, lt, cbs, false)) return false;
      // "<!-->" and "<!--->" are whole comments there: the opening dashes count
      const end = s.indexOf("-->", lt + 2);
      next = end === -1 ? -1 : end + 3;
    } else if (c1 === QUESTION) {
      return false;
    } else {
      // "<" before anything else is text
      at = lt + 1;
      continue;
    }
    if (next === -1) return false;
    text = next;
    at = next;
  }
  if (!pieces(s, text, n, cbs, false)) return false;
  cbs.onend();
  return true;
}
