/**
 * Strings that leave the normalizer own their characters. V8 cuts a
 * substring of 13 characters or more as a view on its parent (a "sliced
 * string"), and the view keeps the whole parent alive: one guid cut from a
 * 47 MB decoded document would keep all 47 MB in memory for as long as the
 * item lives. The items are copied out of the document instead, so that it
 * can be collected once the feed is normalized.
 */

// V8 never makes a view shorter than this: a shorter substring is a copy already
const SLICE_MIN = 13;

/** The same text in a string of its own, sharing no memory with the one it was cut from. */
export function ownCopy(s: string): string {
  if (s.length < SLICE_MIN) return s;
  // the concatenation is flattened into a new string by the slice, which is then
  // a view on that new string only
  return ` ${s}`.slice(1);
}

/** `ownCopy` for optional values. */
export function ownCopyOrNull(s: string | null): string | null {
  return s === null ? null : ownCopy(s);
}
