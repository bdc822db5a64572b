/**
 * IngestDeps for a scenario test: the test store's objects, a test config and
 * testRuntime's deterministic ids and clock, written once instead of per test.
 */
import {
  type IngestDeps,
  type IngestReport,
  type Input,
  Invocation,
} from "../../functions/ingest/ingest.ts";
import { testConfig, testRuntime } from "./config.ts";
import type { TestStore } from "./store.ts";

/** IngestDeps plus the clock's setter, for tests that move time on between ingests. */
export interface TestIngestDeps extends IngestDeps {
  setNow(t: string): void;
}

/** `configOverrides` go to testConfig; `start` is the clock's first reading (testRuntime's default). */
export function ingestDeps(
  store: Pick<TestStore, "objects">,
  configOverrides: Record<string, unknown> = {},
  start?: string,
): TestIngestDeps {
  const rt = testRuntime(start);
  return {
    objects: store.objects,
    config: testConfig(configOverrides),
    now: rt.now,
    newId: rt.newId,
    setNow: rt.setNow,
  };
}

/** Ingests one input in an invocation of its own, committed. */
export async function ingestOne(deps: IngestDeps, input: Input): Promise<IngestReport> {
  const invocation = new Invocation(deps);
  const result = await invocation.ingest(input);
  await invocation.commit();
  return result;
}

/** One feed document through the one ingest path, committed (what one drop or push does). */
export function ingestDocument(
  deps: IngestDeps,
  body: Uint8Array | string,
  info: { source: string; documentUrl?: string | null; contentType?: string | null },
): Promise<IngestReport> {
  return ingestOne(deps, { ...info, body });
}

/** Pushed items (a parsed JSON value) through the one ingest path, committed. */
export function ingestPushed(deps: IngestDeps, items: unknown, source: string) {
  return ingestOne(deps, { source, body: { json: items } });
}

/** `cleanfeed remove`, as the ingest handler runs it. */
export async function removeEntry(deps: IngestDeps, id: string) {
  const invocation = new Invocation(deps);
  const story = await invocation.remove(id);
  await invocation.commit();
  return story;
}
