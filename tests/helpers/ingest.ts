/**
 * IngestDeps for a scenario test: the test store's objects, a test config and
 * testRuntime's deterministic ids and clock, written once instead of per test.
 */
import type { IngestDeps } from "../../functions/ingest/ingest.ts";
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
