/**
 * One server per data folder: a lock file naming the process that serves it.
 *
 * `server.lock` holds a LockHolder as JSON: pid, the process's kernel start
 * time (a reused pid does not pass for the owner), a random token, the command,
 * since when, the endpoint once the server listens, and a state. It is created
 * with O_EXCL ('wx'), so exactly one process wins; later updates are written to
 * a temp file and renamed over it, so the lock never vanishes while held.
 *
 * A lock whose process is gone is stale. Two processes may find the same stale
 * lock; taking it over must not let one remove the fresh lock the other just
 * made. So the taker first creates a guard file named after the stale lock's
 * content (O_EXCL again), checks the lock still reads the same, removes it, and
 * then competes for a fresh lock like everyone else. A taker that died holding
 * a guard leaves a stale guard, taken over the same way.
 *
 * Processes that use the running server register a user file before they
 * trust the lock; the owner marks the lock `closing` before it looks for users
 * and goes back to `serving` when it finds one. Each side writes, then reads
 * what the other wrote, so at least one of them sees the other: a server never
 * closes under a user.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { LockHolder } from "./data-folder-errors.ts";

export const LOCK_FILE = "server.lock";

/** An empty lock is being written, or was left by a kill right after its creation. */
const UNREADABLE_GRACE_MS = 5_000;

/** Whom a user, guard or temp file belongs to. */
interface Who {
  pid: number;
  started: string | null;
}

/** A process using the server; `command` as in the lock. */
type User = Who & { command?: string };

/** The process's start time in clock ticks since boot (/proc/PID/stat field 22), null off Linux. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf-8");
    // The command name, in parentheses, may hold spaces: count fields after it.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

const me = (): Who => ({ pid: process.pid, started: processStart(process.pid) });

/** This process as a lock names it: `cleanfeed serve` for the command, `node script` otherwise. */
function commandLine(): string {
  const script = (process.argv[1] ?? "node").split(/[\\/]/).pop() ?? "node";
  return [script.replace(/\.[cm]?[jt]s$/, ""), process.argv[2]].filter(Boolean).join(" ");
}

function isAlive(who: Who): boolean {
  try {
    process.kill(who.pid, 0);
  } catch (e) {
    // EPERM: alive, another user's.
    if ((e as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  if (who.started === null) return true;
  const started = processStart(who.pid);
  return started === null || started === who.started;
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, "utf-8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

function parse<T extends Who = Who>(raw: string | null): T | null {
  if (raw === null) return null;
  try {
    const json = JSON.parse(raw) as T;
    // kill(0) and kill(-1) would reach a whole group: only a real pid names a process.
    return Number.isInteger(json?.pid) && json.pid > 0 ? json : null;
  } catch {
    return null;
  }
}

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

/** Whether a file naming a process is stale: its process gone, or unreadable for long. */
function stale(path: string, raw: string): boolean {
  const who = parse(raw);
  return who === null ? olderThan(path, UNREADABLE_GRACE_MS) : !isAlive(who);
}

/** Removes the stale file at `path` if it still reads `raw`; true when this call removed it. */
async function removeStale(path: string, raw: string): Promise<boolean> {
  const guard = `${path}.takeover-${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`;
  try {
    writeFileSync(guard, JSON.stringify(me()), { flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const other = readIfExists(guard);
    if (other !== null && stale(guard, other)) await removeStale(guard, other);
    else await sleep(50);
    return false;
  }
  try {
    if (readIfExists(path) !== raw) return false;
    rmSync(path);
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

/** The lock this process holds. */
export class FolderLock {
  constructor(
    readonly path: string,
    private info: LockHolder,
  ) {}

  update(patch: Partial<Pick<LockHolder, "endpoint" | "state" | "feedUrl">>): void {
    this.info = { ...this.info, ...patch };
    const tmp = `${this.path}.tmp-${process.pid}-${this.info.token}`;
    writeFileSync(tmp, JSON.stringify(this.info));
    renameSync(tmp, this.path);
  }

  /** Live users of the server; the files of users that died are removed. */
  users(): User[] {
    const live: User[] = [];
    for (const file of litterOf(this.path)) {
      if (!file.name.startsWith(`${LOCK_FILE}.user-`)) continue;
      if (file.stale) rmSync(file.path, { force: true });
      else if (file.who) live.push(file.who);
    }
    return live;
  }

  /** Waits until no process uses the server; `waiting` hears who is still using it, once. */
  async whenUnused(waiting: (users: User[]) => void): Promise<void> {
    // On a full or read-only disk the state cannot be written (users cannot register either):
    // closing goes on, and a lock that stays behind names a pid that will be gone.
    const mark = (state: LockHolder["state"]) => {
      try {
        this.update({ state });
      } catch {}
    };
    for (let told = false; ; told = true) {
      mark("closing");
      const users = this.users();
      if (users.length === 0) return;
      mark("serving");
      if (!told) waiting(users);
      await sleep(200);
    }
  }

  /** Removes the lock if it is still this one's; one that cannot be removed goes stale with us. */
  release(): void {
    try {
      if (parse<LockHolder>(readIfExists(this.path))?.token === this.info.token) {
        rmSync(this.path, { force: true });
      }
    } catch {
      // read-only now: the next start takes it over from a dead pid.
    }
  }
}

/** The files beside the lock (users, guards, temp files), each with whether it is stale. */
function litterOf(lockPath: string) {
  const dir = lockPath.slice(0, -LOCK_FILE.length);
  return readdirSync(dir)
    .filter((name) => name.startsWith(`${LOCK_FILE}.`))
    .flatMap((name) => {
      const path = join(dir, name);
      const raw = readIfExists(path);
      if (raw === null) return [];
      return [{ name, path, who: parse<User>(raw), stale: stale(path, raw) }];
    });
}

export type Acquired =
  | { lock: FolderLock; tookOverFrom: LockHolder | null }
  | { holder: LockHolder; lock?: undefined };

/** Takes the folder's lock, taking over a stale one; or names the live process holding it. */
export async function acquireFolderLock(dir: string): Promise<Acquired> {
  const path = join(dir, LOCK_FILE);
  let tookOverFrom: LockHolder | null = null;
  for (let attempt = 1; ; attempt++) {
    const info: LockHolder = {
      ...me(),
      token: randomBytes(8).toString("hex"),
      command: commandLine(),
      since: new Date().toISOString(),
      endpoint: null,
      state: "starting",
    };
    try {
      writeFileSync(path, JSON.stringify(info), { flag: "wx" });
      for (const file of litterOf(path)) if (file.stale) rmSync(file.path, { force: true });
      return { lock: new FolderLock(path, info), tookOverFrom };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const raw = readIfExists(path);
    if (raw === null) continue;
    const holder = parse<LockHolder>(raw);
    if (holder !== null && isAlive(holder)) return { holder };
    if (holder === null && !olderThan(path, UNREADABLE_GRACE_MS)) await sleep(50);
    else if (await removeStale(path, raw)) tookOverFrom = holder;
    if (attempt >= 1000) throw new Error(`could not take the lock ${path}`);
  }
}

/**
 * Registers this process as a user of the server holding the folder's lock,
 * if it serves (`leave` then unregisters it; null when it does not serve).
 */
export function joinFolder(dir: string) {
  const path = join(dir, LOCK_FILE);
  const file = `${path}.user-${process.pid}-${randomBytes(8).toString("hex")}`;
  writeFileSync(file, JSON.stringify({ ...me(), command: commandLine() }));
  const holder = parse<LockHolder>(readIfExists(path));
  if (holder?.state === "serving" && holder.endpoint !== null && isAlive(holder)) {
    return { holder, leave: () => rmSync(file, { force: true }) };
  }
  rmSync(file, { force: true });
  return { holder, leave: null };
}
