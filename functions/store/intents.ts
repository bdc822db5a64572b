/**
 * Intents: what an ingest is about to create, written before its first new
 * entry and deleted after its head commit. They are how a story whose entry
 * was written by an ingest that then died (a timeout, an out-of-memory kill,
 * `kill -9`) still reaches the feed:
 *
 * - a replay finds the story by its keys; not in the head, its `intent` still
 *   there and not in the head's `doneIntents`, it was never committed, so the
 *   replay commits it;
 * - any later commit sweeps intents older than `STALE_AFTER_MS` and commits
 *   their stories (those that exist and are not in the head yet).
 */
import { PREFIX } from "./layout.ts";
import type { Objects } from "./objects.ts";

export interface Intent {
  name: string;
  /** Ids of the stories it may create (a claim lost to another ingest creates none). */
  ids: string[];
}

/**
 * An ingest invocation lives at most 15 minutes (Lambda's ceiling; ours is
 * shorter): an older intent's writer is gone.
 */
const STALE_AFTER_MS = 16 * 60 * 1000;

export const intentKey = (name: string) => `${PREFIX.intents}${name}.json`;

export async function readIntent(objects: Objects, name: string): Promise<Intent | null> {
  return (await objects.getJson<Intent>(intentKey(name)))?.value ?? null;
}

/**
 * An intent's name: when it was written (the ingest's clock, so staleness is
 * judged on the clock that wrote it, without reading it), then who wrote it.
 */
export function intentName(at: string, writer: string, n: number): string {
  return `${at.replace(/[-:]/g, "")}_${writer}_${n}`;
}

function writtenAt(name: string): number {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)/.exec(name);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : 0;
}

/** The intents in the bucket, with whether they are stale at `now`. */
export async function listIntents(
  objects: Objects,
  now: string,
): Promise<{ name: string; stale: boolean }[]> {
  const listed = await objects.list(PREFIX.intents);
  const nowMs = Date.parse(now);
  return listed.map((o) => {
    const name = o.key.slice(PREFIX.intents.length).replace(/\.json$/, "");
    return { name, stale: nowMs - writtenAt(name) > STALE_AFTER_MS };
  });
}
