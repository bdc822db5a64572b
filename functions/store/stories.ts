/**
 * Story objects: `entries/<id>.json` (a story, or an alias to the story a
 * copy joined) and `keys/<kind>/<hash>` (a key → story id), read and written
 * with the conditional writes that make concurrent and replayed ingests safe.
 */
import { upgradeStory } from "../core/dedupe/facts.ts";
import type { StoryKey } from "../core/dedupe/keys.ts";
import {
  isAlias,
  type StoredRecord,
  type StoredStory,
  type StoryAlias,
} from "../core/dedupe/story.ts";
import { PREFIX } from "./layout.ts";
import { ConflictError, type Objects, type Versioned, withRetry } from "./objects.ts";

/** The object key of a story's entry; exported so bench/seed.ts writes the same keys ingest does. */
export const entryKey = (id: string) => `${PREFIX.entries}${encodeURIComponent(id)}.json`;
/** The object key of one alias; only the key's name matters, so a stored name (`story.keys`) will do. */
export const aliasKey = (k: Pick<StoryKey, "name">) => `${PREFIX.keys}${k.name}`;

interface KeyRef {
  id: string;
}

/** An entry object as stored, a version 1 story read as version 2. */
async function readRecord(objects: Objects, id: string): Promise<Versioned<StoredRecord> | null> {
  const got = await objects.getJson<StoredRecord>(entryKey(id));
  if (got === null || isAlias(got.value)) return got;
  return { ...got, value: upgradeStory(got.value) };
}

/** A story by its id (`null` for a missing one or an alias). */
export async function readStory(
  objects: Objects,
  id: string,
): Promise<Versioned<StoredStory> | null> {
  const got = await readRecord(objects, id);
  return got === null || isAlias(got.value) ? null : (got as Versioned<StoredStory>);
}

/** Follows aliases and `mergedInto` to the story that lives on (bounded: chains are short). */
export async function resolveStory(
  objects: Objects,
  id: string,
): Promise<Versioned<StoredStory> | null> {
  let next: string | null = id;
  for (let hops = 0; next !== null && hops < 6; hops++) {
    const got = await readRecord(objects, next);
    if (got === null) return null;
    const record = got.value;
    if (isAlias(record)) next = record.aliasOf;
    else if (record.mergedInto) next = record.mergedInto;
    else return got as Versioned<StoredStory>;
  }
  return null;
}

/**
 * Creates an entry object; false when one is there already, unless it is this
 * writer's own (a create sent again after its response was lost).
 */
export async function createRecord(
  objects: Objects,
  record: StoredRecord,
  writer: string,
): Promise<boolean> {
  try {
    await objects.putJson(entryKey(record.id), record, { create: true, writer });
    return true;
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    const got = await objects.getText(entryKey(record.id));
    return got?.writer === writer;
  }
}

/** Points a home key's entry at the story its copy joined (nothing if that entry exists). */
export async function createAlias(objects: Objects, id: string, aliasOf: string, writer: string) {
  if (id === aliasOf) return;
  const alias: StoryAlias = { version: 2, id, aliasOf };
  await createRecord(objects, alias, writer);
}

/** The story id a key object names, or null. */
export async function readKey(objects: Objects, key: Pick<StoryKey, "name">) {
  return (await objects.getJson<KeyRef>(aliasKey(key)))?.value.id ?? null;
}

/**
 * Claims a key for a story: true when it is now (or already was) this story's,
 * else the id of the story that holds it.
 */
export async function claimKey(
  objects: Objects,
  key: Pick<StoryKey, "name">,
  id: string,
): Promise<true | string> {
  try {
    await objects.putJson(aliasKey(key), { id } satisfies KeyRef, { create: true });
    return true;
  } catch (e) {
    if (!(e instanceof ConflictError)) throw e;
    const holder = await readKey(objects, key);
    return holder === null || holder === id ? true : holder;
  }
}

/**
 * Compare-and-swap on one story. `change` returns the new story, or null to
 * leave it as it is. Returns what was written (null when nothing was). With
 * `known` (a version read before), the first attempt needs no read.
 */
export async function updateStory(
  objects: Objects,
  id: string,
  change: (story: StoredStory) => StoredStory | null,
  known?: { value: StoredStory; etag: string },
): Promise<{ value: StoredStory; etag: string } | null> {
  let first = known;
  return withRetry(async () => {
    const got = first ?? (await readStory(objects, id));
    first = undefined;
    if (got === null) return null;
    const next = change(got.value);
    if (next === null) return null;
    const etag = await objects.putJson(entryKey(id), next, { ifMatch: got.etag });
    return { value: next, etag };
  });
}
