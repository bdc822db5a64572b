/**
 * Polling state, stored one object per shard of sources
 * (`sources/shard-<hash of its members>.json`): a poll of 200 sources reads
 * one object and writes at most one, where a state per source cost a read
 * for every source on every poll (at 10,000 sources, most of the bill).
 *
 * A shard whose members changed (a source added, removed or moved by a config
 * change) gets a new object; a member it does not find there is looked up in
 * the object of its own from before shards (`sources/<hash of name>.json`),
 * else it starts afresh: one fetch without validators, items found again in
 * the store. Nothing a user sees is lost.
 */
import { createHash } from "node:crypto";
import { sourceKey } from "../core/dedupe/keys.ts";
import type { SourceState } from "../sources/state.ts";
import { PREFIX } from "./layout.ts";
import { ConflictError, type Objects } from "./objects.ts";

/** What is kept per source. */
export interface SourceRecord {
  state: SourceState;
  /** Item identity → digest of the item as last fetched: unchanged items skip the store. */
  known: Record<string, string>;
}

interface ShardFile {
  version: 1;
  records: Record<string, SourceRecord>;
}

export interface ShardState {
  key: string;
  etag: string | null;
  /** Records by source name; a name missing here has none stored. */
  records: Map<string, SourceRecord>;
}

/** The object of the shard made of these sources (in any order). */
function shardKey(names: readonly string[]): string {
  const members = [...names].sort().join("\n");
  return `${PREFIX.sources}shard-${createHash("sha256").update(members).digest("hex").slice(0, 24)}.json`;
}

const ownKey = (name: string) => `${PREFIX.sources}${sourceKey(name)}.json`;

/** Reads a shard's records; members it lacks are read from their own objects of before. */
export async function readShard(objects: Objects, names: readonly string[]): Promise<ShardState> {
  const key = shardKey(names);
  const got = await objects.getJson<ShardFile>(key);
  const records = new Map(Object.entries(got?.value.records ?? {}));
  const missing = names.filter((n) => !records.has(n));
  const old = await Promise.all(missing.map((n) => objects.getJson<SourceRecord>(ownKey(n))));
  missing.forEach((n, i) => {
    const record = old[i]?.value;
    if (record) records.set(n, record);
  });
  return { key, etag: got?.etag ?? null, records };
}

/**
 * Writes a shard's records with a compare-and-swap. False when another poll
 * of the same shard wrote first: its records are as good as ours.
 */
export async function writeShard(objects: Objects, shard: ShardState): Promise<boolean> {
  const file: ShardFile = { version: 1, records: Object.fromEntries(shard.records) };
  try {
    await objects.swapJson(shard.key, file, shard.etag);
    return true;
  } catch (e) {
    if (e instanceof ConflictError) return false;
    throw e;
  }
}
