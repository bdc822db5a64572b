/**
 * One reused byte buffer for the core's write-then-read steps: the UTF-8 of a
 * piece of a byte text (parse/byteText.ts), Latin-1 copies
 * (normalize/ownStrings.ts) and the content hash's input (normalize/entry.ts).
 * Each use writes it and reads it back before it returns, so one buffer
 * serves them all with no allocation but their results'.
 */
import { Buffer } from "node:buffer";

/** Largest buffer kept between uses: one grown for an outsized piece would stay in a warm Lambda. */
const KEPT = 1 << 20;

let shared = Buffer.allocUnsafe(64 * 1024);

/**
 * A buffer of at least `size` bytes, to be written and read back at once: its
 * contents are anyone's after the caller returns.
 */
export function scratchBuffer(size: number): Buffer {
  if (shared.length >= size) return shared;
  if (size > KEPT) return Buffer.allocUnsafe(size);
  shared = Buffer.allocUnsafe(Math.min(KEPT, Math.max(size, 2 * shared.length)));
  return shared;
}
