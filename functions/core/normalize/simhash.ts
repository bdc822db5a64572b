/**
 * Charikar SimHash over 3-word shingles: texts that differ by a few words get
 * hashes a few bits apart, so near-duplicate copies of a story can be found
 * by Hamming distance. 64 bits are kept as two 32-bit halves, because BigInt
 * arithmetic costs an order of magnitude more.
 */

const FNV_PRIME = 0x01000193;
const FNV_OFFSET = 0x811c9dc5;
// the two seeds of the shingle hash: one per 32-bit half of the SimHash
const SEED_HI = 0x9e3779b1;
const SEED_LO = 0x5bd1e995;

/** murmur3's finalizer: spreads every input bit over the whole word. */
function fmix(h0: number): number {
  let h = h0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
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

function isWordCode(code: number): boolean {
  let k = BMP_CLASS[code];
  if (k === 0) {
    k = WORD_CHAR.test(String.fromCharCode(code)) ? 1 : 2;
    BMP_CLASS[code] = k;
  }
  return k === 1;
}

/**
 * Counts, for each of 32 bit positions, how many added words had that bit
 * set. SWAR: eight accumulators each hold four 8-bit lanes (accumulator k
 * counts bits k, k+8, k+16, k+24), so an add is eight shift-mask-adds with no
 * branch; the lanes are flushed into full counters before they can overflow.
 */
class BitCounters {
  private readonly totals = new Float64Array(32);
  private readonly lanes = new Int32Array(8);
  private pending = 0;

  add(x: number): void {
    const lanes = this.lanes;
    for (let k = 0; k < 8; k++) lanes[k] = (lanes[k] as number) + ((x >>> k) & 0x01010101);
    if (++this.pending === 255) this.flush();
  }

  private flush(): void {
    for (let k = 0; k < 8; k++) {
      const v = this.lanes[k] as number;
      for (let byte = 0; byte < 4; byte++) {
        const bit = byte * 8 + k;
        this.totals[bit] = (this.totals[bit] as number) + ((v >>> (byte * 8)) & 0xff);
      }
      this.lanes[k] = 0;
    }
    this.pending = 0;
  }

  /** The 32-bit word whose bit i is set when more than half of `total` words had bit i set. */
  majority(total: number): number {
    this.flush();
    let out = 0;
    for (let i = 0; i < 32; i++) if ((this.totals[i] as number) * 2 > total) out |= 1 << i;
    return out;
  }
}

/**
 * Accumulates words of a text, as it is produced, into a SimHash. Feed it
 * text in order with `add`; words never straddle two `add` calls.
 */
export class SimHasher {
  private readonly hi = new BitCounters();
  private readonly lo = new BitCounters();
  private shingles = 0;
  // hashes of the last two words
  private w1 = 0;
  private w2 = 0;
  /** Words seen so far. */
  words = 0;

  /** Adds the words of a piece of text (any case). */
  add(text: string): void {
    this.addLowercase(text.toLowerCase());
  }

  /** Adds the words of an already lowercased piece of text. */
  addLowercase(text: string): void {
    // words are hashed as they are scanned: no substring per word
    let h = FNV_OFFSET;
    let inWord = false;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      let word: boolean;
      if (c < 128) {
        word = (BMP_CLASS[c] as number) === 1;
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        // astral characters: classify the whole code point, hash both halves
        word = WORD_CHAR.test(String.fromCodePoint(text.codePointAt(i) as number));
        if (word) h = Math.imul(h ^ c, FNV_PRIME);
        i++;
        if (word) {
          h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
          inWord = true;
          continue;
        }
      } else {
        word = isWordCode(c);
      }
      if (word) {
        h = Math.imul(h ^ c, FNV_PRIME);
        inWord = true;
      } else if (inWord) {
        this.word(h >>> 0);
        h = FNV_OFFSET;
        inWord = false;
      }
    }
    // a word never straddles two calls
    if (inWord) this.word(h >>> 0);
  }

  private word(h: number): void {
    this.words++;
    if (this.words >= 3) this.shingle(this.w2, this.w1, h);
    this.w2 = this.w1;
    this.w1 = h;
  }

  /** Counts one shingle: its two 32-bit halves are two differently seeded hashes of it. */
  private shingle(a: number, b: number, c: number): void {
    this.hi.add(mixShingle(a, b, c, SEED_HI));
    this.lo.add(mixShingle(a, b, c, SEED_LO));
    this.shingles++;
  }

  /** The SimHash as 16 lowercase hex digits (all zeros for a text without words). */
  digest(): string {
    if (this.words > 0 && this.words < 3) {
      // too short for a shingle: the whole text is the one shingle
      this.shingle(0, this.w2, this.w1);
    }
    return hex32(this.hi.majority(this.shingles)) + hex32(this.lo.majority(this.shingles));
  }
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
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
