/**
 * Charikar SimHash over 3-word shingles: texts that differ by a few words get
 * hashes a few bits apart, so near-duplicate copies of a story can be found
 * by Hamming distance. 64 bits are kept as two 32-bit halves, because BigInt
 * arithmetic costs an order of magnitude more.
 */
import { Buffer } from "node:buffer";
import { endianness } from "node:os";

const FNV_PRIME = 0x01000193;
const FNV_OFFSET = 0x811c9dc5;
// the two seeds of the shingle hash: one per 32-bit half of the SimHash
const SEED_HI = 0x9e3779b1;
const SEED_LO = 0x5bd1e995;

/**
 * murmur3's finalizer: spreads every input bit over the whole word. Signed:
 * only its bits are used, and a 32-bit integer stays one in V8 (an unsigned
 * value of 2^31 or more is a heap number when it leaves a register).
 */
function fmix(h0: number): number {
  let h = h0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Seeded, order-sensitive 32-bit hash of a 3-word shingle from its words'
 * FNV-1a hashes: murmur3's block mixing over the three words, one seed per
 * half of the SimHash so that the halves are independent.
 */
function mixShingle(a: number, b: number, c: number, seed: number): number {
  return fmix(mixWord(mixWord(mixWord(seed, a), b), c) ^ 12);
}

/** One murmur3 block step: folds a 32-bit word into the running hash. */
function mixWord(h0: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  let h = h0 ^ Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

// Letters and digits of any script make words; everything else separates them.
const WORD_CHAR = /[\p{L}\p{N}]/u;
// 0 = not looked up yet, 1 = word character, 2 = separator (BMP only)
const BMP_CLASS = new Uint8Array(0x10000);
for (let c = 0; c < 128; c++) {
  const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  BMP_CLASS[c] = word ? 1 : 2;
}

/** For c < 128: a-z, 0-9, A-Z (three compares beat a table lookup in the scan loop). */
function isAsciiWordCode(c: number): boolean {
  return (c - 97) >>> 0 < 26 || (c - 48) >>> 0 < 10 || (c - 65) >>> 0 < 26;
}

function isWordCode(code: number): boolean {
  let k = BMP_CLASS[code];
  if (k === 0) {
    k = WORD_CHAR.test(String.fromCharCode(code)) ? 1 : 2;
    BMP_CLASS[code] = k;
  }
  return k === 1;
}

/** The murmur3 block constant part of `mixWord` that depends on the word alone. */
function blockKey(w: number): number {
  const k = Math.imul(w, 0xcc9e2d51);
  return Math.imul((k << 15) | (k >>> 17), 0x1b873593);
}

/** The rest of murmur3's block step, once the word's key is folded in. */
function blockStep(h0: number): number {
  const h = (h0 << 13) | (h0 >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** FNV-1a hashes of the words of the text being scanned (as int32), reused. */
let WORD_HASHES = new Int32Array(4096);
// Buffers grown for an outsized text are not kept beyond it (a warm process would
// hold on to them): these are the sizes kept from text to text.
const WORD_HASHES_KEPT = 1 << 18;
const UNITS_KEPT = 1 << 20;
/** The text being scanned, as UTF-16 code units, reused (through UNIT_BYTES). */
let UNITS = new Uint16Array(8192);
let UNIT_BYTES = Buffer.from(UNITS.buffer, UNITS.byteOffset, UNITS.byteLength);
// the code units are read back in the machine's order: the copy is UTF-16LE
const LITTLE_ENDIAN = endianness() === "LE";
/**
 * Per Latin-1 character, for `readLatin1Words`: whether it makes words (as
 * isWordCode says: 1), is a plain space (2) or other whitespace (4).
 */
const LATIN1_KIND = new Uint8Array(256);
/**
 * Per Latin-1 character, what its FNV-1a step xors into the hash so far:
 * its lowercase (what toLowerCase makes of it, one Latin-1 character for
 * one) for a word character, and for any other RESTART, which the step turns
 * into the offset a word's hash starts from (the hash so far being masked
 * to 0 first).
 */
const LATIN1_STEP = new Int32Array(256);
/** LATIN1_STEP for text taken as it is (`scan`: the caller lowercased it). */
const LATIN1_STEP_AS_IS = new Int32Array(256);
/** The inverse of the FNV prime modulo 2^32 (it is odd), by Newton's iteration. */
function inversePrime(): number {
  let x = FNV_PRIME;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(FNV_PRIME, x));
  return x;
}
const RESTART = Math.imul(FNV_OFFSET, inversePrime());
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  const word = isWordCode(c);
  LATIN1_KIND[c] = word ? 1 : c === 32 ? 2 : /\s/.test(ch) ? 4 : 0;
  LATIN1_STEP[c] = word ? ch.toLowerCase().charCodeAt(0) : RESTART;
  LATIN1_STEP_AS_IS[c] = word ? c : RESTART;
}
/** Set by `readLatin1Words`: whether the text had whitespace collapseWhitespace rewrites. */
let readOddSpace = false;

/** Makes room for the words of a text of `length` code units (at most one per two). */
function reserveWords(length: number): Int32Array {
  wordsWritten++;
  if (WORD_HASHES.length <= length >> 1) WORD_HASHES = new Int32Array((length >> 1) + 1024);
  return WORD_HASHES;
}
/** Counts the texts whose words went into WORD_HASHES: `addRead` checks its own are still there. */
let wordsWritten = 0;

/**
 * The FNV-1a hashes of the words of `text`, into WORD_HASHES, lowercased as
 * they are read (what lowercasing the text would give: whitespace and
 * punctuation only ever separate words) unless `steps` says otherwise;
 * returns their number, or -1 (nothing done) when the text has a character
 * beyond Latin-1. Notes in `readOddSpace` whether the text has a run of
 * whitespace or any but a plain space, which spares collapseWhitespace
 * looking for them.
 *
 * The text is copied into a typed array by one native call, and read without
 * a branch on the characters: a word boundary every few characters is a
 * branch the processor mispredicts, and that cost more than the hashing.
 * Every character takes a hash step, `(h & mask) ^ step` times the prime,
 * whose mask and step come from tables: inside a word that is FNV-1a's step,
 * outside it restarts the hash. The hash so far is written at the current
 * word's slot each time, the slot moving on where a word ends.
 */
function readLatin1Words(text: string, steps: Int32Array = LATIN1_STEP): number {
  if (!LITTLE_ENDIAN) return -1;
  const length = text.length;
  let units = UNITS;
  let bytes = UNIT_BYTES;
  if (units.length < length) {
    units = new Uint16Array(Math.max(length, 2 * units.length));
    bytes = Buffer.from(units.buffer, units.byteOffset, units.byteLength);
    if (units.length <= UNITS_KEPT) {
      UNITS = units;
      UNIT_BYTES = bytes;
    }
  }
  bytes.write(text, 0, "utf16le");
  const hashes = reserveWords(length);
  let h = FNV_OFFSET | 0;
  let count = 0;
  let inWord = 0;
  // bit 4: other whitespace; bit 2 of both this and the last character: two spaces
  let odd = 0;
  let last = 0;
  for (let i = 0; i < length; i++) {
    const c = units[i] as number;
    if (c > 255) return -1;
    const kind = LATIN1_KIND[c] as number;
    const isWord = kind & 1;
    hashes[count] = h;
    count += inWord & (isWord ^ 1);
    h = Math.imul((h & -isWord) ^ (steps[c] as number), FNV_PRIME);
    inWord = isWord;
    odd |= kind & (4 | (last & 2));
    last = kind;
  }
  // the last word ends with the text
  if (inWord === 1) hashes[count++] = h;
  readOddSpace = odd !== 0;
  return count;
}

/** `readLatin1Words` for any text (already lowercase): a word is letters and digits of any script. */
function wordHashes(text: string, start: number, end: number): number {
  const hashes = reserveWords(end - start);
  let count = 0;
  let h = FNV_OFFSET;
  let inWord = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    let isWord: boolean;
    if (c < 128) {
      isWord = isAsciiWordCode(c);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      // astral characters: classify the whole code point, hash both halves
      if (WORD_CHAR.test(String.fromCodePoint(text.codePointAt(i) as number))) {
        h = Math.imul(h ^ c, FNV_PRIME);
        h = Math.imul(h ^ text.charCodeAt(i + 1), FNV_PRIME);
        inWord = true;
        i++;
        continue;
      }
      i++;
      isWord = false;
    } else {
      isWord = isWordCode(c);
    }
    if (isWord) {
      h = Math.imul(h ^ c, FNV_PRIME);
      inWord = true;
    } else if (inWord) {
      hashes[count++] = h;
      h = FNV_OFFSET;
      inWord = false;
    }
  }
  if (inWord) hashes[count++] = h;
  return count;
}

const NIBBLES = 0x11111111;
const LOW_NIBBLES = 0x0f0f0f0f;
/** Shingles a 4-bit counter can take before it must be folded into the byte counters. */
const NIBBLE_MAX = 15;
/** Folds the byte counters can take (15 each) before a byte could overflow. */
const FOLDS_MAX = 17;

/**
 * Accumulates words of a text, as it is produced, into a SimHash. Feed it
 * text in order with `add`; words never straddle two `add` calls.
 *
 * The per-bit counts are kept SWAR, in two tiers: for each half, four
 * 32-bit lanes of eight 4-bit counters (lane k counts bits k, k+4 … k+28),
 * so that a shingle costs eight shift-mask-adds and no branch; every 15
 * shingles they are folded into eight lanes of four 8-bit counters per half,
 * and those into full counters before a byte can overflow. The 4-bit lanes
 * live in locals while a text is scanned.
 *
 * Each word's share of the murmur3 mixing (its block key, and the first
 * block step of both seeds) is worked out once, when the word ends, instead
 * of once for each of the three shingles it is part of.
 */
export class SimHasher {
  // 8-bit lanes: 0-7 count the high half's bits, 8-15 the low half's
  private readonly lanes = new Int32Array(16);
  // 4-bit lanes: 0-3 the high half's, 4-7 the low half's (stored between scans)
  private readonly nibbles = new Int32Array(8);
  private readonly totals = new Float64Array(64);
  /** Shingles in the 4-bit lanes, not yet folded. */
  private pending = 0;
  /** Folds into the 8-bit lanes since they were flushed. */
  private folds = 0;
  private shingles = 0;
  // FNV-1a hashes of the last two words
  private w1 = 0;
  private w2 = 0;
  // the last word's block key, and both seeds' first block step for the last two words
  private k1 = 0;
  private hi1 = 0;
  private lo1 = 0;
  private hi2 = 0;
  private lo2 = 0;
  /** Words seen so far. */
  words = 0;

  /** Adds the words of a piece of text (any case). */
  add(text: string): void {
    this.addLowercase(text.toLowerCase());
  }

  /** Adds the words of an already lowercased piece of text. */
  addLowercase(text: string): void {
    this.scan(text, 0, text.length);
  }

  /** Words `read` found, not added yet (-1: none read). */
  private readCount = -1;
  /** The text `read` read, and `wordsWritten` after it: read again if another text came since. */
  private readText = "";
  private readMark = 0;

  /**
   * Reads the words of a text in any case whose whitespace is not collapsed
   * yet, to add them later with `addRead` (when the text is kept): the words
   * of its collapsed, trimmed and lowercased form, in one pass. Returns
   * whether that text needs collapseWhitespace's rewriting (a run of
   * whitespace or any but a plain space), or null when it was not read (a
   * character beyond Latin-1: collapse and lowercase it, then `addLowercase`).
   * Words read in between (another hasher's) make `addRead` read it again.
   */
  read(text: string): boolean | null {
    this.readCount = readLatin1Words(text);
    this.readText = text;
    this.readMark = wordsWritten;
    return this.readCount === -1 ? null : readOddSpace;
  }

  /** Adds the words of the text `read` last read. */
  addRead(): void {
    if (this.readCount === -1) throw new Error("SimHasher.addRead: no text read");
    // the shared word buffer holds someone else's words now: read ours again
    if (this.readMark !== wordsWritten) this.readCount = readLatin1Words(this.readText);
    this.mix(this.readCount);
    this.readCount = -1;
    this.readText = "";
  }

  /**
   * Adds the words of `text` from `start` to `end` (already lowercase): first
   * their FNV-1a hashes, into a reused buffer, then the mixing of each.
   */
  scan(text: string, start: number, end: number): void {
    const part = start === 0 && end === text.length ? text : text.slice(start, end);
    let count = readLatin1Words(part, LATIN1_STEP_AS_IS);
    if (count === -1) count = wordHashes(text, start, end);
    this.mix(count);
  }

  /** Adds the words whose FNV-1a hashes are the first `count` of WORD_HASHES. */
  private mix(count: number): void {
    const hashes = WORD_HASHES;
    // read: an outsized buffer goes (the next long text grows one again)
    if (hashes.length > WORD_HASHES_KEPT) WORD_HASHES = new Int32Array(4096);
    let w1 = this.w1;
    let w2 = this.w2;
    let k1 = this.k1;
    let hi1 = this.hi1;
    let lo1 = this.lo1;
    let hi2 = this.hi2;
    let lo2 = this.lo2;
    let words = this.words;
    let pending = this.pending;
    let shingles = this.shingles;
    const nibbles = this.nibbles;
    // the eight 4-bit lanes, in registers for the length of the scan
    let a0 = nibbles[0] as number;
    let a1 = nibbles[1] as number;
    let a2 = nibbles[2] as number;
    let a3 = nibbles[3] as number;
    let b0 = nibbles[4] as number;
    let b1 = nibbles[5] as number;
    let b2 = nibbles[6] as number;
    let b3 = nibbles[7] as number;
    for (let j = 0; j < count; j++) {
      // the word's share of the mixing, then the shingle it closes
      // signed, as fmix: only the bits matter
      const w = hashes[j] as number;
      const k = blockKey(w);
      if (++words >= 3) {
        const hi = fmix(blockStep(blockStep(hi2 ^ k1) ^ k) ^ 12);
        const lo = fmix(blockStep(blockStep(lo2 ^ k1) ^ k) ^ 12);
        a0 += hi & NIBBLES;
        a1 += (hi >>> 1) & NIBBLES;
        a2 += (hi >>> 2) & NIBBLES;
        a3 += (hi >>> 3) & NIBBLES;
        b0 += lo & NIBBLES;
        b1 += (lo >>> 1) & NIBBLES;
        b2 += (lo >>> 2) & NIBBLES;
        b3 += (lo >>> 3) & NIBBLES;
        shingles++;
        if (++pending === NIBBLE_MAX) {
          nibbles[0] = a0;
          nibbles[1] = a1;
          nibbles[2] = a2;
          nibbles[3] = a3;
          nibbles[4] = b0;
          nibbles[5] = b1;
          nibbles[6] = b2;
          nibbles[7] = b3;
          this.fold();
          pending = 0;
          a0 = a1 = a2 = a3 = b0 = b1 = b2 = b3 = 0;
        }
      }
      w2 = w1;
      w1 = w;
      hi2 = hi1;
      lo2 = lo1;
      k1 = k;
      hi1 = blockStep(SEED_HI ^ k);
      lo1 = blockStep(SEED_LO ^ k);
    }
    nibbles[0] = a0;
    nibbles[1] = a1;
    nibbles[2] = a2;
    nibbles[3] = a3;
    nibbles[4] = b0;
    nibbles[5] = b1;
    nibbles[6] = b2;
    nibbles[7] = b3;
    this.pending = pending;
    this.shingles = shingles;
    this.w1 = w1;
    this.w2 = w2;
    this.k1 = k1;
    this.hi1 = hi1;
    this.lo1 = lo1;
    this.hi2 = hi2;
    this.lo2 = lo2;
    this.words = words;
  }

  /**
   * Adds the 4-bit lanes (as stored in `nibbles`, which are then zeroed) into
   * the 8-bit ones: 4-bit lane k counts bits k+4j, its even counters go to
   * 8-bit lane k, its odd ones to lane k+4. They come through the typed array,
   * not as arguments: a lane is a full 32-bit word, which as an argument
   * would be a new heap number.
   */
  private fold(): void {
    const lanes = this.lanes;
    const n = this.nibbles;
    for (let k = 0; k < 8; k++) {
      const v = n[k] as number;
      // the high half's lanes are 0-3 here and 0-7 there, the low half's 4-7 and 8-15
      const to = k < 4 ? k : k + 4;
      lanes[to] = (lanes[to] as number) + (v & LOW_NIBBLES);
      lanes[to + 4] = (lanes[to + 4] as number) + ((v >>> 4) & LOW_NIBBLES);
      n[k] = 0;
    }
    if (++this.folds === FOLDS_MAX) this.flush();
  }

  /** Adds the 8-bit lanes into the full counters. */
  private flush(): void {
    for (let k = 0; k < 16; k++) {
      const v = this.lanes[k] as number;
      // lane k of a half counts bits k, k+8, k+16, k+24 of it
      const bit0 = (k & 8) * 4 + (k & 7);
      for (let byte = 0; byte < 4; byte++) {
        const bit = bit0 + byte * 8;
        this.totals[bit] = (this.totals[bit] as number) + ((v >>> (byte * 8)) & 0xff);
      }
      this.lanes[k] = 0;
    }
    this.folds = 0;
  }

  /** The 32-bit word whose bit i is set when more than half the shingles had bit i set. */
  private majority(half: number): number {
    let out = 0;
    for (let i = 0; i < 32; i++) {
      if ((this.totals[half * 32 + i] as number) * 2 > this.shingles) out |= 1 << i;
    }
    return out;
  }

  /** The SimHash as 16 lowercase hex digits (all zeros for a text without words). */
  digest(): string {
    const n = this.nibbles;
    if (this.words > 0 && this.words < 3) {
      // too short for a shingle: the whole text is the one shingle
      const hi = mixShingle(0, this.w2, this.w1, SEED_HI);
      const lo = mixShingle(0, this.w2, this.w1, SEED_LO);
      for (let k = 0; k < 4; k++) {
        n[k] = (n[k] as number) + ((hi >>> k) & NIBBLES);
        n[k + 4] = (n[k + 4] as number) + ((lo >>> k) & NIBBLES);
      }
      this.shingles++;
    }
    this.fold();
    this.pending = 0;
    this.flush();
    return hex64(this.majority(0), this.majority(1));
  }
}

/** Code of the lowercase hex digit for 0-15. */
function hexDigit(d: number): number {
  return d < 10 ? 48 + d : 87 + d;
}

/**
 * Two 32-bit words as 16 lowercase hex digits, `hi` first: one string made
 * at once (a number's toString(16) and padStart took a tenth of a digest).
 */
function hex64(hi: number, lo: number): string {
  return String.fromCharCode(
    hexDigit((hi >>> 28) & 15),
    hexDigit((hi >>> 24) & 15),
    hexDigit((hi >>> 20) & 15),
    hexDigit((hi >>> 16) & 15),
    hexDigit((hi >>> 12) & 15),
    hexDigit((hi >>> 8) & 15),
    hexDigit((hi >>> 4) & 15),
    hexDigit(hi & 15),
    hexDigit((lo >>> 28) & 15),
    hexDigit((lo >>> 24) & 15),
    hexDigit((lo >>> 20) & 15),
    hexDigit((lo >>> 16) & 15),
    hexDigit((lo >>> 12) & 15),
    hexDigit((lo >>> 8) & 15),
    hexDigit((lo >>> 4) & 15),
    hexDigit(lo & 15),
  );
}

/** SimHash (16 hex digits) of a whole text. */
export function simhash(text: string): string {
  const h = new SimHasher();
  h.add(text);
  return h.digest();
}

function popcount(x0: number): number {
  let x = x0 >>> 0;
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

const HEX16 = /^[0-9a-f]{16}$/i;

/** Hamming distance (0..64) between two SimHashes written as 16 hex digits. */
export function simhashDistance(a: string, b: string): number {
  if (!HEX16.test(a) || !HEX16.test(b)) {
    throw new RangeError(`not a 16-hex-digit SimHash: "${HEX16.test(a) ? b : a}"`);
  }
  const hi = Number.parseInt(a.slice(0, 8), 16) ^ Number.parseInt(b.slice(0, 8), 16);
  const lo = Number.parseInt(a.slice(8), 16) ^ Number.parseInt(b.slice(8), 16);
  return popcount(hi) + popcount(lo);
}
