/**
 * Set measures between two text profiles. Containment (the share of the
 * shorter text found in the longer) survives what outlets add to a story
 * (a standfirst, a footer, a caption) and what they cut (an ending, all but
 * an excerpt); Jaccard is symmetric and punishes length differences.
 */
import type { TextProfile } from "./profile.ts";

/** Shingles the two texts share (a merge walk: both arrays are sorted). */
function sharedShingles({ shingles: a }: TextProfile, { shingles: b }: TextProfile): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      n++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

/** Share of the shorter text's shingles found in the longer one (0–1). */
export function containment(a: TextProfile, b: TextProfile): number {
  const smaller = Math.min(a.shingles.length, b.shingles.length);
  return smaller === 0 ? 0 : sharedShingles(a, b) / smaller;
}

/** Shared shingles over all shingles of both texts (0–1). */
export function jaccard(a: TextProfile, b: TextProfile): number {
  const shared = sharedShingles(a, b);
  const union = a.shingles.length + b.shingles.length - shared;
  return union === 0 ? 0 : shared / union;
}

/** Share of the shorter text's sentences found whole in the longer one (0–1). */
export function sentenceContainment(a: TextProfile, b: TextProfile): number {
  const smaller = Math.min(a.sentences.length, b.sentences.length);
  if (smaller === 0) return 0;
  const other = new Set(b.sentences);
  return a.sentences.filter((s) => other.has(s)).length / smaller;
}

/**
 * Share of the numbers stated by the text that states fewer that the other
 * states too (1 when one states none): templated stories ("Markets close",
 * "Weather for …") share their words and differ in exactly these.
 */
export function numberContainment(a: TextProfile, b: TextProfile): number {
  const [fewer, more] = a.numbers.length <= b.numbers.length ? [a, b] : [b, a];
  if (fewer.numbers.length === 0) return 1;
  const other = new Set(more.numbers);
  return fewer.numbers.filter((n) => other.has(n)).length / fewer.numbers.length;
}
