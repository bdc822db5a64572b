/**
 * What a story's text looks like to the near-duplicate matcher: its words,
 * word shingles, sentences and numbers, read from the sanitized HTML that is
 * stored and shown. Built the same way for an incoming copy and for a stored
 * story, so the two sides can never disagree on how a text was read.
 */
import { createHash } from "node:crypto";
import { Parser } from "htmlparser2";

/** Lowercase words: runs of letters and digits of any script. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** FNV-1a over the UTF-16 code units of `s`, from `seed`; unsigned 32-bit. */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Words per shingle: long enough that stock phrases rarely match, short enough to survive edits. */
const SHINGLE_WORDS = 4;
/** Shingles kept from the start of a text: an excerpt may end before its first sentence does. */
const LEAD_SHINGLES = 2;
/** A sentence shorter than this says too little to identify a story by. */
const MIN_SENTENCE_WORDS = 5;

export interface TextProfile {
  /** Words in the text. */
  words: number;
  /** Hashes of the text's word shingles, sorted, each once. */
  shingles: Uint32Array;
  /** Hashes of the text's sentences (of at least 5 words), in reading order, each once. */
  sentences: number[];
  /** Hashes of its first shingles, in reading order: where an excerpt and its story meet. */
  lead: number[];
  /** The numbers the text states, normalized ("1,000" is "1000"), each once, sorted. */
  numbers: string[];
  /** The text ends as a teaser does ("…", "[…]", "Read more"). */
  teaser: boolean;
  /** SHA-256 (hex) of the text's words: equal whatever the markup, spacing or case. */
  textHash: string;
}

// Elements whose boundaries end a block of text: a sentence never runs across them.
const BLOCKS = new Set(
  "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split(
    " ",
  ),
);
// Elements whose text is not part of the story.
const SILENT = new Set(["script", "style", "template", "noscript"]);

/** The readable text of sanitized HTML: one line per block. */
export function htmlText(html: string): string {
  let text = "";
  let silent = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (SILENT.has(name)) silent++;
        else if (BLOCKS.has(name)) text += "\n";
      },
      ontext(data) {
        if (silent === 0) text += data;
      },
      onclosetag(name) {
        if (SILENT.has(name)) silent--;
        else if (BLOCKS.has(name)) text += "\n";
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return text;
}

// A sentence ends at . ! ? or … followed by space (closing quotes and brackets
// stay with it), or at a block boundary.
const SENTENCE_END = /(?<=[.!?…]["'”’)\]]*)\s+|\n+/u;
// A thousands separator between digits: "1,000" and "1000" are the same number.
const THOUSANDS = /(?<=\d)[,  '](?=\d{3}(?!\d))/gu;
// A number as a text states it: "4.2" in "$4.2bn", "5" in "5 per cent" and "5%".
const NUMBER = /\d+(?:[.,]\d+)?/gu;
const TEASER_TAIL = /(?:…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\]|read more|continue reading)\W*$/iu;

function hashWords(words: readonly string[]): number {
  return fnv1a(words.join(" "));
}

// A wire dateline opening the text: "KESSLER, March 11 (Meridian Press) -",
// "ANKARA (Reuters) —", "LONDON —". Outlets add or drop it; it is not the story.
const DATELINE =
  /^\s*(?:\p{Lu}{2}[\p{Lu} .'’-]{0,40}(?:,\s*\p{L}+\.?\s+\d{1,2})?\s*(?:\([^)\n]{1,40}\))?|\p{Lu}[\p{L} .'’-]{1,40}(?:,\s*\p{L}+\.?\s+\d{1,2})?\s*\([^)\n]{1,40}\))\s*[-–—]{1,2}\s+/u;

/** The profile of a text, one block per line. */
export function profileOfText(text: string): TextProfile {
  const clean = text.replace(DATELINE, "").replace(THOUSANDS, "");
  const words = wordsOf(clean);
  const shingles = new Set<number>();
  const lead: number[] = [];
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) {
    const h = hashWords(words.slice(i, i + SHINGLE_WORDS));
    shingles.add(h);
    if (i < LEAD_SHINGLES) lead.push(h);
  }
  if (words.length > 0 && words.length < SHINGLE_WORDS) shingles.add(hashWords(words));
  const sentenceWords = clean.split(SENTENCE_END).map(wordsOf);
  // each sentence once, in reading order (a Set keeps first insertions in order)
  const sentences = [
    ...new Set(sentenceWords.filter((w) => w.length >= MIN_SENTENCE_WORDS).map(hashWords)),
  ];
  const numbers = [...new Set(clean.match(NUMBER) ?? [])].map((n) => n.replace(",", ".")).sort();
  return {
    words: words.length,
    shingles: Uint32Array.from(shingles).sort(),
    sentences,
    lead,
    numbers,
    teaser: TEASER_TAIL.test(text.trimEnd()),
    textHash: createHash("sha256").update(words.join(" ")).digest("hex"),
  };
}

/** SHA-256 (hex) of a title's words and a text's hash: the exact-content key. */
export function contentHash(title: string, textHash: string): string {
  return createHash("sha256")
    .update(`${wordsOf(title).join(" ")}\n${textHash}`)
    .digest("hex");
}
