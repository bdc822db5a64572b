/**
 * Charikar SimHash over 3-word shingles, in plain code: texts that differ by a
 * few words get hashes a few bits apart. 64 bits, kept as two independent
 * 32-bit halves (each from its own seeded FNV-1a), written as 16 hex digits.
 *
 * The matcher before version 2 used it; the near-duplicate evaluation
 * (measures.ts) still measures it beside the measures that replaced it.
 */
import { fnv1a, wordsOf } from "../../functions/core/dedupe/profile.ts";

const SEEDS = [0x811c9dc5, 0x9e3779b1] as const;

/** The SimHash of a text's 3-word shingles (the words themselves when fewer than 3). */
export function simhash(text: string): string {
  const words = wordsOf(text);
  const shingles =
    words.length < 3
      ? words
      : words.slice(0, -2).map((w, i) => `${w} ${words[i + 1]} ${words[i + 2]}`);
  if (shingles.length === 0) return "0".repeat(16);
  return SEEDS.map((seed) => {
    const votes = new Int32Array(32);
    for (const s of shingles) {
      const h = fnv1a(s, seed);
      for (let bit = 0; bit < 32; bit++) votes[bit]! += (h >>> bit) & 1 ? 1 : -1;
    }
    let half = 0;
    for (let bit = 0; bit < 32; bit++) if (votes[bit]! > 0) half |= 1 << bit;
    return (half >>> 0).toString(16).padStart(8, "0");
  }).join("");
}

/** Bits that differ between two SimHashes (0–64). */
export function simhashDistance(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < 16; i += 8) {
    let x = (Number.parseInt(a.slice(i, i + 8), 16) ^ Number.parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x !== 0) {
      x &= x - 1;
      d++;
    }
  }
  return d;
}
