/**
 * Charikar SimHash over 3-word shingles: texts that differ by a few words get
 * hashes a few bits apart, so near-duplicate copies of a story can be found
 * by Hamming distance. 64 bits are kept as two 32-bit halves, because BigInt
 * arithmetic costs an order of magnitude more.
 */

const FNV_PRIME = 0x01000193;
// two independent FNV-1a offset bases: one per 32-bit half of the hash
const SEED_HI = 0x811c9dc5;
const SEED_LO = 0x5bd1e995;

function fnv1a(word: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < word.length; i++) {
    h ^= word.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

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

/** Order-sensitive hash of a shingle from its three word hashes. */
function shingle(a: number, b: number, c: number): number {
  return fmix(Math.imul(a, 0x9e3779b1) ^ Math.imul(b ^ (b >>> 15), 0x85ebca77) ^ c);
}

// Letters and digits of any script; everything else separates words.
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Accumulates words of a text, as it is produced, into a SimHash. Feed it
 * text in order with `add`; words never straddle two `add` calls.
 */
export class SimHasher {
  private readonly hi = new Int32Array(32);
  private readonly lo = new Int32Array(32);
  // hashes of the last two words, for each half
  private h1 = 0;
  private h2 = 0;
  private l1 = 0;
  private l2 = 0;
  /** Words seen so far. */
  words = 0;

  /** Adds the words of a piece of text (any case; it is lowercased here). */
  add(text: string): void {
    const lower = text.toLowerCase();
    WORD.lastIndex = 0;
    for (let m = WORD.exec(lower); m !== null; m = WORD.exec(lower)) {
      const w = m[0];
      const h = fnv1a(w, SEED_HI);
      const l = fnv1a(w, SEED_LO);
      this.words++;
      if (this.words >= 3) this.count(shingle(this.h2, this.h1, h), shingle(this.l2, this.l1, l));
      this.h2 = this.h1;
      this.h1 = h;
      this.l2 = this.l1;
      this.l1 = l;
    }
  }

  private count(hi: number, lo: number): void {
    const H = this.hi;
    const L = this.lo;
    for (let i = 0; i < 32; i++) {
      H[i] = (H[i] as number) + (((hi >>> i) & 1) << 1) - 1;
      L[i] = (L[i] as number) + (((lo >>> i) & 1) << 1) - 1;
    }
  }

  /** The SimHash as 16 lowercase hex digits (all zeros for a text without words). */
  digest(): string {
    if (this.words > 0 && this.words < 3) {
      // too short for a shingle: the whole text is the one shingle
      this.count(shingle(0, this.h2, this.h1), shingle(0, this.l2, this.l1));
    }
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < 32; i++) {
      if ((this.hi[i] as number) > 0) hi |= 1 << i;
      if ((this.lo[i] as number) > 0) lo |= 1 << i;
    }
    return hex32(hi) + hex32(lo);
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
