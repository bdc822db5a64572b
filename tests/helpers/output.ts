/**
 * What a command run in-process writes to stdout and stderr: it is given
 * streams that record the writes, the way the `cleanfeed` command passes its own.
 */
import type { Io } from "../../functions/local/command.ts";

export async function captureOutput<T>(
  run: (io: Io) => T | Promise<T>,
): Promise<{ result: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    stderrIsTTY: false,
  };
  const result = await run(io);
  return { result, stdout: out.join(""), stderr: err.join("") };
}
