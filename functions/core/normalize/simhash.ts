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
 * Accumulates words of a text, as it is produced, into a SimHash. Feed it
 * text in order with `add`; words never straddle two `add` calls.
 *
 * The per-bit counts are kept SWAR: for each half, eight lanes of four 8-bit
 * counters (lane k counts bits k, k+8, k+16, k+24), so a shingle costs
 * sixteen shift-mask-adds and no branch; lanes are flushed into full counters
 * before a byte can overflow. The lanes live in locals while a text is
 * scanned, and are stored back when it ends.
 */
export class SimHasher {
  // lanes 0-7 count the high half's bits, 8-15 the low half's
  private readonly lanes = new Int32Array(16);
  private readonly totals = new Float64Array(64);
  /** Shingles in the lanes, not yet flushed. */
  private pending = 0;
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
    this.scan(text, 0, text.length);
  }

  /**
   * Adds the words of `text` from `start` to `end` (already lowercase): words
   * are hashed as they are scanned, no substring per word.
   */
  scan(text: string, start: number, end: number): void {
    let h = FNV_OFFSET;
    let inWord = false;
    let w1 = this.w1;
    let w2 = this.w2;
    let words = this.words;
    let pending = this.pending;
    const lanes = this.lanes;
    // the sixteen lane counters, in registers for the length of the scan
    let a0 = lanes[0] as number;
    let a1 = lanes[1] as number;
    let a2 = lanes[2] as number;
    let a3 = lanes[3] as number;
    let a4 = lanes[4] as number;
    let a5 = lanes[5] as number;
    let a6 = lanes[6] as number;
    let a7 = lanes[7] as number;
    let b0 = lanes[8] as number;
    let b1 = lanes[9] as number;
    let b2 = lanes[10] as number;
    let b3 = lanes[11] as number;
    let b4 = lanes[12] as number;
    let b5 = lanes[13] as number;
    let b6 = lanes[14] as number;
    let b7 = lanes[15] as number;
    // one past the end: the last word ends there (a word never straddles two calls)
    for (let i = start; i <= end; i++) {
      let word = false;
      let c = 0;
      if (i < end) {
        c = text.charCodeAt(i);
        if (c < 128) {
          word = (BMP_CLASS[c] as number) === 1;
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
        } else {
          word = isWordCode(c);
        }
      }
      if (word) {
        h = Math.imul(h ^ c, FNV_PRIME);
        inWord = true;
      } else if (inWord) {
        const w = h >>> 0;
        if (++words >= 3) {
          const hi = mixShingle(w2, w1, w, SEED_HI);
          const lo = mixShingle(w2, w1, w, SEED_LO);
          a0 += hi & 0x01010101;
          a1 += (hi >>> 1) & 0x01010101;
          a2 += (hi >>> 2) & 0x01010101;
          a3 += (hi >>> 3) & 0x01010101;
          a4 += (hi >>> 4) & 0x01010101;
          a5 += (hi >>> 5) & 0x01010101;
          a6 += (hi >>> 6) & 0x01010101;
          a7 += (hi >>> 7) & 0x01010101;
          b0 += lo & 0x01010101;
          b1 += (lo >>> 1) & 0x01010101;
          b2 += (lo >>> 2) & 0x01010101;
          b3 += (lo >>> 3) & 0x01010101;
          b4 += (lo >>> 4) & 0x01010101;
          b5 += (lo >>> 5) & 0x01010101;
          b6 += (lo >>> 6) & 0x01010101;
          b7 += (lo >>> 7) & 0x01010101;
          this.shingles++;
          if (++pending === 255) {
            lanes[0] = a0;
            lanes[1] = a1;
            lanes[2] = a2;
            lanes[3] = a3;
            lanes[4] = a4;
            lanes[5] = a5;
            lanes[6] = a6;
            lanes[7] = a7;
            lanes[8] = b0;
            lanes[9] = b1;
            lanes[10] = b2;
            lanes[11] = b3;
            lanes[12] = b4;
            lanes[13] = b5;
            lanes[14] = b6;
            lanes[15] = b7;
            this.flush();
            pending = 0;
            a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0;
            b0 = b1 = b2 = b3 = b4 = b5 = b6 = b7 = 0;
          }
        }
        w2 = w1;
        w1 = w;
        h = FNV_OFFSET;
        inWord = false;
      }
    }
    lanes[0] = a0;
    lanes[1] = a1;
    lanes[2] = a2;
    lanes[3] = a3;
    lanes[4] = a4;
    lanes[5] = a5;
    lanes[6] = a6;
    lanes[7] = a7;
    lanes[8] = b0;
    lanes[9] = b1;
    lanes[10] = b2;
    lanes[11] = b3;
    lanes[12] = b4;
    lanes[13] = b5;
    lanes[14] = b6;
    lanes[15] = b7;
    this.pending = pending;
    this.w1 = w1;
    this.w2 = w2;
    this.words = words;
  }

  /** Counts one shingle: its two 32-bit halves are two differently seeded hashes of it. */
  private count(a: number, b: number, c: number): void {
    const hi = mixShingle(a, b, c, SEED_HI);
    const lo = mixShingle(a, b, c, SEED_LO);
    const lanes = this.lanes;
    lanes[0] = (lanes[0] as number) + (hi & 0x01010101);
    lanes[1] = (lanes[1] as number) + ((hi >>> 1) & 0x01010101);
    lanes[2] = (lanes[2] as number) + ((hi >>> 2) & 0x01010101);
    lanes[3] = (lanes[3] as number) + ((hi >>> 3) & 0x01010101);
    lanes[4] = (lanes[4] as number) + ((hi >>> 4) & 0x01010101);
    lanes[5] = (lanes[5] as number) + ((hi >>> 5) & 0x01010101);
    lanes[6] = (lanes[6] as number) + ((hi >>> 6) & 0x01010101);
    lanes[7] = (lanes[7] as number) + ((hi >>> 7) & 0x01010101);
    lanes[8] = (lanes[8] as number) + (lo & 0x01010101);
    lanes[9] = (lanes[9] as number) + ((lo >>> 1) & 0x01010101);
    lanes[10] = (lanes[10] as number) + ((lo >>> 2) & 0x01010101);
    lanes[11] = (lanes[11] as number) + ((lo >>> 3) & 0x01010101);
    lanes[12] = (lanes[12] as number) + ((lo >>> 4) & 0x01010101);
    lanes[13] = (lanes[13] as number) + ((lo >>> 5) & 0x01010101);
    lanes[14] = (lanes[14] as number) + ((lo >>> 6) & 0x01010101);
    lanes[15] = (lanes[15] as number) + ((lo >>> 7) & 0x01010101);
    if (++this.pending === 255) this.flush();
  }

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
    this.pending = 0;
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
    if (this.words > 0 && this.words < 3) {
      // too short for a shingle: the whole text is the one shingle
      this.count(0, this.w2, this.w1);
      this.shingles++;
    }
    this.flush();
    return hex32(this.majority(0)) + hex32(this.majority(1));
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
