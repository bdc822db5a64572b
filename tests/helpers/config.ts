import { type Config, parseConfig } from "../../functions/core/config.ts";

/** A valid config with test defaults; `overrides` are merged per section. */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  const base: Record<string, unknown> = {
    feed: {
      title: "Test feed",
      id: "urn:uuid:6f1d2c3e-0000-4000-8000-00000000feed",
      author: { name: "Tester" },
      language: "en",
      windowSize: 50,
    },
    sources: [],
  };
  for (const [k, v] of Object.entries(overrides)) {
    base[k] =
      typeof v === "object" && v !== null && !Array.isArray(v)
        ? { ...(base[k] as object), ...(v as object) }
        : v;
  }
  return parseConfig(base);
}

/** Deterministic ids and a settable clock for scenario tests. */
export function testRuntime(start = "2025-06-03T12:00:00Z") {
  let n = 0;
  let now = start;
  return {
    newId: () => `urn:uuid:00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    now: () => now,
    setNow: (t: string) => {
      now = t;
    },
  };
}
