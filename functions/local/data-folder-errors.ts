/**
 * What goes wrong with a data folder, in words a user can act on. The
 * `cleanfeed` command prints an error's message as its one line, so each
 * message names the folder and what to do about it is obvious from the cause.
 */

/** How a lock file names the process serving a data folder. */
export interface LockHolder {
  pid: number;
  /** The process's start time in kernel ticks (/proc), to tell a reused pid apart; null off Linux. */
  started: string | null;
  /** Random per lock, so that a process can tell its own lock from another thread's. */
  token: string;
  /** The command line that holds it, e.g. `cleanfeed serve`. */
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  /** `http://127.0.0.1:PORT` once the server listens. */
  endpoint: string | null;
  state: "starting" | "serving" | "closing";
  /** The feed's address when a `cleanfeed serve` serves it (`http://127.0.0.1:8788/`): the public URL other commands publish with. */
  feedUrl?: string | null;
}

/** `pid 1234 (cleanfeed serve, since 2025-…)` */
export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} (${holder.command}, since ${holder.since})`;
}

/** The folder cannot be written: full, read-only or not ours. */
export class DataFolderError extends Error {
  override name = "DataFolderError";
  constructor(
    message: string,
    /** The errno code behind it (ENOSPC, EROFS…). */
    readonly code: string,
  ) {
    super(message);
  }
}

/** Another live process serves the folder, and its server could not be used. */
export class DataFolderInUseError extends Error {
  override name = "DataFolderInUseError";
  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
    detail = "",
  ) {
    super(`the data folder ${folder} is in use by ${describeHolder(holder)}${detail}`);
  }
}

/** The errno codes that are the folder's fault, and what each says about it. */
const PROBLEMS = new Map([
  ["ENOSPC", "is full"],
  ["EDQUOT", "is full"],
  ["EROFS", "is read-only"],
  ["EACCES", "is not writable"],
  ["EPERM", "is not writable"],
]);

/** The storage cause of a failed write, or null when it is not the folder's fault. */
export function folderProblem(
  error: unknown,
  folder: string,
  doing: string,
): DataFolderError | null {
  const code = String((error as NodeJS.ErrnoException | null)?.code);
  const what = PROBLEMS.get(code);
  if (what === undefined) return null;
  return new DataFolderError(`the data folder ${folder} ${what} (${code}): ${doing}`, code);
}
