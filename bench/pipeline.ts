/**
 * Ingest hot-path throughput: our whole pipeline (readFeed + normalizeFeed:
 * parse, normalize, sanitize, paragraph dedup, fingerprint) on a generated
 * 5,000-item feed, against rss-parser's parse-only and fast-xml-parser's raw
 * parse of the same string, in the same run. Our pipeline is timed from the
 * document's bytes, as ingest reads it (every document ingest parses comes
 * as bytes: an S3 object, a fetch, a file), and, for comparison, from the
 * decoded string rss-parser is handed. Then peak memory of the pipeline
 * (bytes in), measured in a fresh child process. Run with
 * `npx tsx bench/pipeline.ts`, or call `benchPipeline()` from bench/run.ts.
 *
 * Targets (the product's promise): pipeline throughput, bytes in, at least
 * half of rss-parser's parse-only of the decoded string (the median of the
 * rounds' own ratios); peak memory at most 3x the input size.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { XMLParser } from "fast-xml-parser";
import RssParser from "rss-parser";
import { DEFAULT_IFRAME_HOSTS } from "../functions/core/config.ts";
import { normalizeFeed } from "../functions/core/normalize/index.ts";
import { readFeed } from "../functions/core/parse/index.ts";
import { generateBenchFeed } from "./feed-generator.ts";

const ITEMS = 5000;
/** Timed rounds per contender, after one warm-up round (override with BENCH_ROUNDS). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 7);
const THROUGHPUT_TARGET = 0.5;
const MEMORY_TARGET = 3;

const NOW = "2024-05-20T12:00:00Z";
const CTX = {
  now: NOW,
  documentUrl: "https://news.example.com/feed.xml",
  iframeHosts: DEFAULT_IFRAME_HOSTS,
};
// the generated document is ~23 MB: above the default 10 MiB limit, on purpose
const PARSE_OPTIONS = { source: "bench", maxBytes: 64 << 20, maxItems: ITEMS };

/** Our pipeline, exactly as ingest's normalizeDocument calls it. Returns the items kept. */
function pipeline(input: string | Uint8Array): number {
  return normalizeFeed(readFeed(input, PARSE_OPTIONS), CTX).length;
}

interface Timing {
  best: number;
  median: number;
  /** Every round's time, in round order. */
  rounds: number[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Wall times in ms of each contender, best and median of `ROUNDS` runs after
 * one warm-up each. Rounds are interleaved (A B C, A B C…), so that a burst of
 * load from other processes hits every contender alike.
 */
async function timeAll(runs: (() => unknown)[]): Promise<Timing[]> {
  for (const run of runs) await run();
  const times: number[][] = runs.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [k, run] of runs.entries()) {
      const t0 = performance.now();
      await run();
      times[k]?.push(performance.now() - t0);
    }
  }
  return times.map((t) => ({ best: Math.min(...t), median: median(t), rounds: t }));
}

interface MemoryReport {
  inputBytes: number;
  /** Resident-set high-water during the pipeline minus RSS just before it (input already loaded). */
  peakRssGrowth: number;
  /** How the high-water was read: "VmHWM" (reset just before) or "maxRSS" (whole process). */
  peakSource: "VmHWM" | "maxRSS";
  /** Heap in use after the pipeline, output still alive, minus before. */
  retainedHeap: number;
  /**
   * The most the pipeline held at once: heap and external memory (a byte
   * text is an external string) after a full collection, taken every
   * LIVE_EVERY entries and at the end, minus before. What has to fit in the
   * function's memory, whatever the collector's timing.
   */
  livePeak: number;
  items: number;
}

const PROC_STATUS = "/proc/self/status";

/**
 * Resets the kernel's resident-set high-water mark (Linux: writing 5 to
 * /proc/self/clear_refs), so that what reading it later returns is the peak
 * of what ran in between, not of the process's start-up or of reading the
 * input. False where that is not available.
 */
function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return readPeakRss() !== null;
  } catch {
    return false;
  }
}

/** VmHWM of /proc/self/status in bytes, or null. */
function readPeakRss(): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(PROC_STATUS, "utf8"))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

/**
 * readFeed + normalizeFeed, in a frame of its own: the parsed feed must not
 * outlive the call in one of the caller's temporaries, or its document would
 * be counted as held by the items.
 */
function normalizeBytes(bytes: Uint8Array, sample?: () => void) {
  const feed = readFeed(bytes, PARSE_OPTIONS);
  if (sample === undefined) return normalizeFeed(feed, CTX);
  const { entries } = feed;
  return normalizeFeed(
    {
      ...feed,
      entries: (function* () {
        let i = 0;
        for (const entry of entries) {
          if (i++ % LIVE_EVERY === 0) sample();
          yield entry;
        }
        sample();
      })(),
    },
    CTX,
  );
}

/** Entries between two live-memory samples (each a full collection: slow). */
const LIVE_EVERY = 250;

/** Heap and external memory in use. */
function inUse(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * The memory half, run in a child started with --expose-gc so nothing the
 * timing rounds left behind counts: read the document as bytes (what ingest
 * gets from S3), warm the code up on a small feed, collect garbage, reset the
 * RSS high-water mark, note RSS, run the pipeline once and read the mark.
 * Where the mark cannot be reset, the process's lifetime maxRSS is used: that
 * over-counts (start-up or reading the file may have set it), never under-counts.
 */
function memoryChild(file: string): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc");
  pipeline(generateBenchFeed(50)); // compile the code outside the measurement
  const bytes = new Uint8Array(readFileSync(file));
  gc();
  gc();
  const resettable = resetPeakRss();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  const items = normalizeBytes(bytes);
  const peak = (resettable ? readPeakRss() : null) ?? process.resourceUsage().maxRSS * 1024;
  gc();
  gc();
  const retainedHeap = process.memoryUsage().heapUsed - heapBefore;
  // a second run, sampled: its forced collections would have spoiled the first's peak
  const kept = items.length;
  items.length = 0;
  gc();
  const before = inUse();
  let livePeak = 0;
  normalizeBytes(bytes, () => {
    gc();
    livePeak = Math.max(livePeak, inUse() - before);
  });
  const report: MemoryReport = {
    inputBytes: bytes.length,
    peakRssGrowth: Math.max(0, peak - rssBefore),
    peakSource: resettable ? "VmHWM" : "maxRSS",
    retainedHeap,
    livePeak,
    items: kept,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/**
 * V8's young generation: with Node's default semi-spaces it takes ~25 MB of
 * the pipeline's peak, whatever the code does. NODE_OPTIONS cannot cap it on
 * the Lambda: the runtime's bootstrap passes its own size on the command line,
 * which wins (checked: node's command-line flags override NODE_OPTIONS'). The
 * bench shows the peak both ways.
 */
const SMALL_YOUNG_GENERATION = "--max-semi-space-size=8";

function measureMemory(xml: string, v8Flags: string[] = []): MemoryReport {
  const dir = mkdtempSync(join(tmpdir(), "cleanfeed-bench-"));
  try {
    const file = join(dir, "feed.xml");
    writeFileSync(file, xml);
    const self = fileURLToPath(import.meta.url);
    const child = spawnSync(
      process.execPath,
      ["--expose-gc", ...v8Flags, "--import", "tsx", self, "--memory-child", file],
      { encoding: "utf8", maxBuffer: 1 << 20 },
    );
    if (child.status !== 0) throw new Error(`memory child failed: ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split("\n").pop() as string) as MemoryReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints pipeline, fast-xml-parser and rss-parser throughput, their ratios and peak memory. */
export async function benchPipeline(): Promise<void> {
  const xml = generateBenchFeed(ITEMS);
  const bytes = new Uint8Array(Buffer.from(xml, "utf8"));
  const mb = bytes.length / 1e6;

  const rss = new RssParser();
  const fxp = new XMLParser();
  let kept = 0;
  const [reference, raw, ours, fromString] = (await timeAll([
    () => rss.parseString(xml),
    () => fxp.parse(xml),
    () => {
      kept = pipeline(bytes);
    },
    () => pipeline(xml),
  ])) as [Timing, Timing, Timing, Timing];

  const line = (name: string, t: Timing, ratio: string) =>
    `${name.padEnd(38)} ${(ITEMS / (t.best / 1000)).toFixed(0).padStart(7)} items/s ${(mb / (t.best / 1000)).toFixed(1).padStart(6)} MB/s ${t.best.toFixed(0).padStart(6)} ms (median ${t.median.toFixed(0)}) ${ratio}`;
  const ratio = (t: Timing) => `${(reference.best / t.best).toFixed(2)}x rss-parser`;
  console.log(
    `pipeline: ${ITEMS} items, ${mb.toFixed(1)} MB of RSS (${kept} kept), best of ${ROUNDS} after warm-up`,
  );
  console.log(line("rss-parser parseString (reference)", reference, "1.00x"));
  console.log(line("fast-xml-parser XMLParser.parse (raw)", raw, ratio(raw)));
  console.log(line("cleanfeed readFeed + normalizeFeed, bytes", ours, ratio(ours)));
  console.log(line("  the same from the decoded string", fromString, ratio(fromString)));

  const speed = reference.best / ours.best;
  // on a shared machine a burst of load can flatter or spoil one best time; the
  // contenders of one round run back to back, so each round's own ratio is steadier
  const perRound = (t: Timing) => {
    const ratios = t.rounds.map((ms, k) => (reference.rounds[k] as number) / ms);
    return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
  };
  const main = perRound(ours);
  const decoded = perRound(fromString);
  console.log(
    `${main.median >= THROUGHPUT_TARGET ? "PASS" : "MISS"} throughput: pipeline (bytes in, as ingest) at ${main.median.toFixed(2)}x rss-parser parse-only, median of the ${ROUNDS} rounds' own ratios (range ${main.min.toFixed(2)}-${main.max.toFixed(2)}; best vs best ${speed.toFixed(2)}x; from the decoded string ${decoded.median.toFixed(2)}x; target >= ${THROUGHPUT_TARGET}x)`,
  );

  const mem = measureMemory(xml);
  const factor = mem.peakRssGrowth / mem.inputBytes;
  console.log(
    `memory (fresh process, bytes in): input ${(mem.inputBytes / 1e6).toFixed(1)} MB, peak RSS growth during the pipeline ${(mem.peakRssGrowth / 1e6).toFixed(1)} MB (${mem.peakSource}), heap retained by the ${mem.items} items ${(mem.retainedHeap / 1e6).toFixed(1)} MB`,
  );
  console.log(
    `${factor <= MEMORY_TARGET ? "PASS" : "MISS"} memory: peak ${factor.toFixed(2)}x the input size (target <= ${MEMORY_TARGET}x)`,
  );
  console.log(
    `live memory (after full collections, every ${LIVE_EVERY} entries): peak ${(mem.livePeak / 1e6).toFixed(1)} MB, ${(mem.livePeak / mem.inputBytes).toFixed(2)}x the input size: what must fit, the rest of the peak above is the collector's slack`,
  );
  // the same child with a smaller young generation (the Lambda's bootstrap sets its own
  // on the command line, a twentieth of the function's memory, which NODE_OPTIONS cannot lower)
  const small = measureMemory(xml, [SMALL_YOUNG_GENERATION]);
  console.log(
    `(with ${SMALL_YOUNG_GENERATION}: peak ${(small.peakRssGrowth / 1e6).toFixed(1)} MB, ${(small.peakRssGrowth / small.inputBytes).toFixed(2)}x the input size; the line above is Node's defaults)`,
  );
  // the harder case: curly quotes in every paragraph, so every item's content is two bytes a character
  const typographic = measureMemory(generateBenchFeed(ITEMS, "typographic"));
  const hard = typographic.peakRssGrowth / typographic.inputBytes;
  console.log(
    `${hard <= MEMORY_TARGET ? "PASS" : "MISS"} memory, curly quotes in every paragraph: peak ${hard.toFixed(2)}x the input size (${(typographic.inputBytes / 1e6).toFixed(1)} MB in, heap retained by the items ${(typographic.retainedHeap / 1e6).toFixed(1)} MB)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf("--memory-child");
  if (at !== -1) memoryChild(process.argv[at + 1] as string);
  else await benchPipeline();
}
