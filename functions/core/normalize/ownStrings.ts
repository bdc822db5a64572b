/**
 * Strings that leave the normalizer own their characters. V8 cuts a
 * substring of 13 characters or more as a view on its parent (a "sliced
 * string"), and the view keeps the whole parent alive: one guid cut from a
 * 47 MB decoded document would keep all 47 MB in memory for as long as the
 * item lives. The items are copied out of the document instead, so that it
 * can be collected once the feed is normalized.
 *
 * A document with a single character beyond Latin-1 (one "…") is decoded
 * into two bytes per character, and so is every piece cut from it. Content
 * HTML that is all Latin-1, as most is, is copied into one byte per character
 * before the sanitizer cuts it up: its output then takes half the memory.
 */
import { scratchBuffer } from "../scratch.ts";

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

/**
 * The same text in one byte per character when all of it is Latin-1 (a new
 * string of its own); else `s` itself.
 */
export function latin1Copy(s: string): string {
  if (s.length < SLICE_MIN) return s;
  // through one reused buffer: no allocation but the new string's
  const bytes = scratchBuffer(s.length);
  const n = bytes.write(s, 0, "latin1");
  const copy = bytes.toString("latin1", 0, n);
  // writing Latin-1 keeps only the low byte of a character beyond it: the copy
  // then differs. Copying and comparing (both native) costs less than a regex
  // looking for such a character first, and most content is Latin-1
  return copy === s ? copy : s;
}
