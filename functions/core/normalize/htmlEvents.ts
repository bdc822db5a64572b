/**
 * A lean stand-in for htmlparser2's `Parser`, between its `Tokenizer` and our
 * handlers (the sanitizer's walker, the text extractor). It keeps the
 * Parser's reading of HTML exactly, for the options we use (HTML mode, names
 * lowercased, entities decoded, `/>` only closing inside svg and math): the
 * same open and close events, implied ends (`<p>` ends an open `<p>`, `<li>`
 * an `<li>`…), void elements, `</p>` and `</br>` without a start tag,
 * elements still open at the end closed innermost first, the first of two
 * same-named attributes winning.
 *
 * What it leaves out is what we never use: events for comments, CDATA and
 * declarations, positions, chunked input, and the attributes of elements
 * whose handler says it will not read them. The stock Parser costs a
 * generic callback object, an attribute object per element and a buffer
 * list per item; over a feed's worth of HTML that was a tenth of the time.
 */
import { tokenizeFast } from "./htmlFastPath.ts";
import { FastTokenizer } from "./htmlTokenizer.ts";
import { ownCopy } from "./ownStrings.ts";

/** What a handler of HTML events implements. */
export interface HtmlHandler {
  /** An element starts; `attribs` is empty for elements `wantsAttributes` refused. */
  onopentag(name: string, attribs: Record<string, string>): void;
  /** An element ends (explicitly, implied by another, or at the end of the input). */
  onclosetag(name: string): void;
  /** Text, entities decoded; a run of text may come in several pieces. */
  ontext(data: string): void;
  /** Whether the handler reads the attributes of an element with this (lowercase) name. */
  wantsAttributes(name: string): boolean;
}

// The Tokenizer's quote kinds (htmlparser2's QuoteType); only NoValue matters to nobody here.

const P = new Set(["p"]);
const FORM = new Set(["input", "option", "optgroup", "select", "button", "datalist", "textarea"]);
const TABLE_SECTIONS = new Set(["thead", "tbody"]);
const DD_DT = new Set(["dd", "dt"]);
const RT_RP = new Set(["rt", "rp"]);

/** Elements whose start ends the innermost open elements while they are one of these. */
const IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>([
  ["tr", new Set(["tr", "th", "td"])],
  ["th", new Set(["th"])],
  ["td", new Set(["thead", "th", "td"])],
  ["body", new Set(["head", "link", "script"])],
  ["li", new Set(["li"])],
  ["option", new Set(["option"])],
  ["optgroup", new Set(["optgroup", "option"])],
  ["dd", DD_DT],
  ["dt", DD_DT],
  ["rt", RT_RP],
  ["rp", RT_RP],
  ["tbody", TABLE_SECTIONS],
  ["tfoot", TABLE_SECTIONS],
  ...["select", "input", "output", "button", "datalist", "textarea"].map(
    (name) => [name, FORM] as [string, ReadonlySet<string>],
  ),
  ...[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hr",
    "main",
    "nav",
    "ol",
    "pre",
    "section",
    "table",
    "ul",
  ].map((name) => [name, P] as [string, ReadonlySet<string>]),
]);

/** Elements without content or end tag, in htmlparser2's list. */
const VOID = new Set([
  "area",
  "base",
  "basefont",
  "br",
  "col",
  "command",
  "embed",
  "frame",
  "hr",
  "img",
  "input",
  "isindex",
  "keygen",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]);

/** Where `<x/>` closes the element (svg, math)… */
const FOREIGN = new Set(["math", "svg"]);
/** …and where it stops doing so again. */
const HTML_INTEGRATION = new Set([
  "mi",
  "mo",
  "mn",
  "ms",
  "mtext",
  "annotation-xml",
  "foreignobject",
  "desc",
  "title",
]);

/** How an element name reads, from the sets above: looked up once per element. */
interface NameRule {
  /** The open elements its start ends while they are innermost, or undefined. */
  implied: ReadonlySet<string> | undefined;
  isVoid: boolean;
  /** 1: `/>` closes inside it (svg, math); 2: no longer inside it; 0: no change. */
  foreign: 0 | 1 | 2;
}

function nameRule(name: string): NameRule {
  return {
    implied: IMPLIES_CLOSE.get(name),
    isVoid: VOID.has(name),
    foreign: FOREIGN.has(name) ? 1 : HTML_INTEGRATION.has(name) ? 2 : 0,
  };
}

/** Rules of the names met so far, a bounded number (feeds make names up). */
const NAME_RULES = new Map<string, NameRule>();
const NAME_RULES_MAX = 512;

function ruleOf(name: string): NameRule {
  let rule = NAME_RULES.get(name);
  if (rule === undefined) {
    rule = nameRule(name);
    // a long name may be cut from the document: the cache must not keep that alive
    if (NAME_RULES.size < NAME_RULES_MAX) NAME_RULES.set(ownCopy(name), rule);
  }
  return rule;
}

// shared by every element whose attributes nobody reads; never written to
const NO_ATTRIBUTES: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** The Tokenizer's callbacks, turned into open/close/text events for one handler. */
class HtmlEvents {
  private buffer = "";
  /** Open elements, innermost last. */
  private readonly stack: string[] = [];
  /** Whether `/>` closes, innermost last; the bottom entry is HTML's (false). */
  private readonly foreign: boolean[] = [false];
  private tagname = "";
  /** `tagname` is a void element's. */
  private tagVoid = false;
  /** The element being opened has had its start event? (false between name and `>`) */
  private opening = false;
  private attribs: Record<string, string> | null = null;
  private attribname = "";
  private attribvalue = "";

  constructor(private readonly handler: HtmlHandler) {}

  /** Reads `html` the fast way (htmlFastPath.ts); false when it must be read again. */
  runFast(html: string): boolean {
    this.buffer = html;
    return tokenizeFast(html, this);
  }

  run(html: string): void {
    this.buffer = html;
    const tokenizer = new FastTokenizer({ xmlMode: false, decodeEntities: true }, this);
    if (html !== "") tokenizer.write(html);
    tokenizer.end();
  }

  ontext(start: number, end: number): void {
    this.handler.ontext(this.buffer.slice(start, end));
  }

  ontextentity(codepoint: number): void {
    this.handler.ontext(String.fromCodePoint(codepoint));
  }

  onopentagname(start: number, end: number): void {
    this.openTag(this.buffer.slice(start, end).toLowerCase());
  }

  private openTag(name: string): void {
    this.tagname = name;
    const rule = ruleOf(name);
    this.tagVoid = rule.isVoid;
    const implied = rule.implied;
    if (implied !== undefined) {
      const stack = this.stack;
      while (stack.length > 0 && implied.has(stack[stack.length - 1] as string)) {
        this.handler.onclosetag(stack.pop() as string);
      }
    }
    if (!rule.isVoid) {
      this.stack.push(name);
      if (rule.foreign === 1) this.foreign.push(true);
      else if (rule.foreign === 2) this.foreign.push(false);
    }
    this.opening = true;
    this.attribs = this.handler.wantsAttributes(name) ? {} : null;
  }

  onattribname(start: number, end: number): void {
    if (this.attribs !== null) this.attribname = this.buffer.slice(start, end).toLowerCase();
  }

  onattribdata(start: number, end: number): void {
    if (this.attribs !== null) this.attribvalue += this.buffer.slice(start, end);
  }

  onattribentity(codepoint: number): void {
    if (this.attribs !== null) this.attribvalue += String.fromCodePoint(codepoint);
  }

  onattribend(): void {
    const attribs = this.attribs;
    if (attribs !== null && !Object.hasOwn(attribs, this.attribname)) {
      attribs[this.attribname] = this.attribvalue;
    }
    this.attribvalue = "";
  }

  /** The start tag's `>`: its start event, and its end too for a void element. */
  private endOpenTag(): void {
    if (this.opening) {
      this.handler.onopentag(this.tagname, this.attribs ?? NO_ATTRIBUTES);
      this.opening = false;
      this.attribs = null;
    }
    if (this.tagVoid) this.handler.onclosetag(this.tagname);
    this.tagname = "";
    this.tagVoid = false;
  }

  onopentagend(): void {
    this.endOpenTag();
  }

  onselfclosingtag(): void {
    if (this.foreign[this.foreign.length - 1] === true) this.closeCurrentTag();
    else this.endOpenTag();
  }

  private closeCurrentTag(): void {
    const name = this.tagname;
    this.endOpenTag();
    const stack = this.stack;
    if (stack[stack.length - 1] === name) {
      this.handler.onclosetag(name);
      stack.pop();
    }
  }

  onclosetag(start: number, end: number): void {
    const name = this.buffer.slice(start, end).toLowerCase();
    const rule = ruleOf(name);
    if (rule.foreign !== 0) this.foreign.pop();
    if (!rule.isVoid) {
      const stack = this.stack;
      const at = stack.lastIndexOf(name);
      if (at !== -1) {
        while (stack.length > at) this.handler.onclosetag(stack.pop() as string);
      } else if (name === "p") {
        // "</p>" with no <p> open is an empty paragraph
        this.openTag("p");
        this.closeCurrentTag();
      }
    } else if (name === "br") {
      // "</br>" is a line break; it neither ends nor implies anything
      this.handler.onopentag("br", this.handler.wantsAttributes("br") ? {} : NO_ATTRIBUTES);
      this.handler.onclosetag("br");
    }
  }

  onend(): void {
    // still open at the end: closed innermost first (the stack itself is left as is)
    const stack = this.stack;
    for (let i = stack.length - 1; i >= 0; i--) this.handler.onclosetag(stack[i] as string);
  }

  // comments, CDATA (a comment in HTML), <!doctype> and <?pi?>: nothing to report
  oncdata(): void {}
  oncomment(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}
}

/**
 * Reads `html` and reports its elements and text to a handler, as
 * htmlparser2's `Parser` would with `{ decodeEntities: true }`: first the fast
 * way (htmlFastPath.ts); when that gives up part way, a fresh handler hears
 * it all again from htmlparser2's Tokenizer (htmlTokenizer.ts's faster
 * subclass of it). Returns the handler that heard the whole of it.
 */
export function readHtml<H extends HtmlHandler>(html: string, makeHandler: () => H): H {
  const fast = makeHandler();
  if (new HtmlEvents(fast).runFast(html)) return fast;
  const handler = makeHandler();
  new HtmlEvents(handler).run(html);
  return handler;
}
