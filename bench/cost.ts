/**
 * `npm run cost`: what cleanfeed costs a month, from a measured run. A shard
 * of `path` sources is polled against the embedded S3 (a bucket seeded with a
 * full head window, so the head index has its steady size) and the S3 client's
 * requests are counted per operation: an unchanged poll, a poll with news
 * (what it costs without its stories, and per new story), a regeneration after
 * news and an hourly one with nothing new. The alarms are counted in the
 * synthesized stack. Those counts, the assumptions below and the list prices
 * of `bench/prices.ts` make the bill at 100 and at 10,000 sources, line by
 * line, without and with the always-free tiers.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import type { Config } from "../functions/core/config.ts";
import { pollSources } from "../functions/ingest/poll.ts";
import { createRegenerateHandler } from "../functions/regenerate/dispatch.ts";
import type { Log } from "../functions/runtime/log.ts";
import { HEAD_INDEX_KEY, PREFIX, PUBLIC_FILES } from "../functions/store/layout.ts";
import { NONCURRENT_DAYS_BY_PREFIX } from "../infra/lifecycle.ts";
import { testConfig, testRuntime } from "../tests/helpers/config.ts";
import { startTestStore, type TestStore } from "../tests/helpers/store.ts";
import { synthTemplate } from "../tests/infra/synth.ts";
import { prng } from "./feed-generator.ts";
import { FREE_TIER, PRICES } from "./prices.ts";
import { seedBucket } from "./seed.ts";

/** What the bill assumes; printed with it. Change them and run again. */
export const ASSUMPTIONS = {
  /** The poll schedule (the config's pollIntervalMinutes). */
  pollIntervalMinutes: 15,
  /** New stories a source publishes a day (a news outlet; a blog is nearer 0.2). */
  newStoriesPerSourcePerDay: 10,
  /** Feed readers, each fetching feed.atom through CloudFront every `readerIntervalMinutes`. */
  readers: 10,
  readerIntervalMinutes: 30,
  /** Seconds one conditional GET of a source waits on the network (the poll's duration). */
  sourceFetchSeconds: 0.3,
  /** Seconds a poll invocation spends besides fetching (S3, parsing, the commit). */
  pollOverheadSeconds: 0.5,
  /** Seconds one regeneration runs (256 MB: a fraction of a vCPU). */
  regenerationSeconds: 2,
  /** The month whose storage is billed: stories of this many months are stored. */
  storedMonths: 12,
  /** Bytes CloudWatch Logs ingests per invocation for Lambda's START/END/REPORT lines (JSON format). */
  platformLogBytes: 700,
  /** Bytes Powertools adds to a log line (level, timestamp, service, request id, cold start...). */
  logLineOverheadBytes: 250,
} as const;

/** Fixed by the stack (infra/cleanfeed-stack.ts), repeated here for the arithmetic. */
const STACK = {
  ingestMemoryGb: 512 / 1024,
  regenerateMemoryGb: 256 / 1024,
  /** The hourly backstop regeneration. */
  regenerationsPerDayScheduled: 24,
  /** public/ files' Cache-Control max-age: CloudFront asks S3 again after it. */
  feedMaxAgeSeconds: 300,
  logRetentionDays: 30,
} as const;

const DAYS = 30;
const BUCKET = "cost";
const SEEDED_STORIES = 2000;
const MEASURED_SOURCES = 20;
const FIRST_NEWS = 4;
const PUBLIC_URL = "https://feed.example.com/";

// ------------------------------------------------------------------ measuring

type Kind = "get" | "put" | "list" | "delete";
type Requests = Record<Kind, number>;

const NONE: Requests = { get: 0, put: 0, list: 0, delete: 0 };
const KIND: Record<string, Kind> = {
  GetObjectCommand: "get",
  HeadObjectCommand: "get",
  PutObjectCommand: "put",
  CopyObjectCommand: "put",
  ListObjectsV2Command: "list",
  DeleteObjectCommand: "delete",
  DeleteObjectsCommand: "delete",
};

function kinds(counted: Map<string, number>): Requests {
  const out = { ...NONE };
  for (const [command, n] of counted) {
    const kind = KIND[command];
    if (kind === undefined) throw new Error(`the cost model does not price ${command}`);
    out[kind] += n;
  }
  return out;
}

const plus = (a: Requests, b: Requests, times = 1): Requests => ({
  get: a.get + b.get * times,
  put: a.put + b.put * times,
  list: a.list + b.list * times,
  delete: a.delete + b.delete * times,
});
const perUnit = (a: Requests, b: Requests, units: number): Requests => ({
  get: (b.get - a.get) / units,
  put: (b.put - a.put) / units,
  list: (b.list - a.list) / units,
  delete: (b.delete - a.delete) / units,
});
const atLeastZero = (r: Requests): Requests => ({
  get: Math.max(0, r.get),
  put: Math.max(0, r.put),
  list: Math.max(0, r.list),
  delete: Math.max(0, r.delete),
});
const show = (r: Requests) =>
  `${fmt(r.get)} GET/HEAD, ${fmt(r.put)} PUT, ${fmt(r.list)} LIST, ${fmt(r.delete)} DELETE`;
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

export interface Measured {
  unchangedPoll: Requests;
  /** A poll with news, less its stories. */
  pollWithNews: Requests;
  perNewStory: Requests;
  headCommitsPerPoll: number;
  regeneration: Requests;
  quietRegeneration: Requests;
  logBytes: {
    unchangedPoll: number;
    pollWithNews: number;
    perNewStory: number;
    regeneration: number;
  };
  bytes: {
    head: number;
    shardStatePerSource: number;
    /** feed.atom, feed.rss and feed.json together. */
    feeds: number;
    atomGzip: number;
    /** A new story's objects: its entry and its URL key. */
    story: number;
  };
}

/** A source's feed with `count` items, each its own story (its own words). */
function sourceFeed(source: number, count: number): string {
  const items = Array.from({ length: count }, (_, j) => {
    const rand = prng(source * 10_000 + j);
    const words = Array.from({ length: 80 }, () => `w${Math.floor(rand() * 50_000)}`).join(" ");
    return `<item><title>Story ${j} of source ${source}</title><link>https://s${source}.example/${j}</link><guid>s${source}-${j}</guid><pubDate>${new Date(Date.UTC(2025, 5, 1) + j * 3_600_000).toUTCString()}</pubDate><description>&lt;p&gt;${words}.&lt;/p&gt;</description></item>`;
  });
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Source ${source}</title><link>https://s${source}.example/</link><description>d</description>${items.join("")}</channel></rss>`;
}

/** A `Log` that only counts the bytes CloudWatch Logs would ingest. */
function countingLog(): Log & { bytes: number } {
  const log = {
    bytes: 0,
    info: (message: string, extra?: Record<string, unknown>) => {
      log.bytes +=
        message.length + JSON.stringify(extra ?? {}).length + ASSUMPTIONS.logLineOverheadBytes;
    },
    warn: (message: string, extra?: Record<string, unknown>) => log.info(message, extra),
    error: (message: string, extra?: Record<string, unknown>) => log.info(message, extra),
  };
  return log;
}

async function textSize(store: TestStore, key: string): Promise<string> {
  const got = await store.objects.getText(key);
  if (got === null) throw new Error(`the measured run left no ${key}`);
  return got.value;
}

export async function measure(): Promise<Measured> {
  const store = await startTestStore(BUCKET);
  const feedDir = mkdtempSync(join(tmpdir(), "cleanfeed-cost-"));
  try {
    const config: Config = testConfig({
      sources: Array.from({ length: MEASURED_SOURCES }, (_, n) => ({
        name: `source${n}`,
        path: `s${n}.xml`,
      })),
    });
    seedBucket(join(store.dir, BUCKET), SEEDED_STORIES, {
      windowSize: config.feed.windowSize,
      recentWindow: config.dedupe.recentWindow,
    });
    const items = Array.from({ length: MEASURED_SOURCES }, () => 3);
    const write = () => {
      for (const [n, count] of items.entries()) {
        writeFileSync(join(feedDir, `s${n}.xml`), sourceFeed(n, count));
      }
    };
    const news = (sources: number) => {
      for (let n = 0; n < sources; n++) items[n]! += 1;
      write();
    };
    write();
    const rt = testRuntime("2025-06-03T12:00:00Z");
    const deps = { objects: store.objects, config, now: rt.now, newId: rt.newId };
    let minute = 0;
    const poll = async () => {
      rt.setNow(new Date(Date.parse("2025-06-03T12:00:00Z") + minute * 60_000).toISOString());
      minute += ASSUMPTIONS.pollIntervalMinutes;
      const log = countingLog();
      store.requests.clear();
      const summaries = await pollSources(deps, { allowLoopback: false, log, baseDir: feedDir });
      const failed = summaries.filter((s) => s.error !== null);
      if (failed.length > 0) throw new Error(`measured poll failed: ${failed[0]!.error}`);
      const fresh = summaries.reduce((n, s) => n + (s.report?.new ?? 0), 0);
      // the handler's one line per poll (functions/ingest/handler.ts)
      log.info("poll done", { sources: summaries.length, itemsAccepted: fresh, sourceFailures: 0 });
      return {
        fresh,
        requests: kinds(store.requests),
        headCommits: store.written.filter((k) => k === HEAD_INDEX_KEY).length,
        written: [...store.written],
        logBytes: log.bytes,
      };
    };
    const regenerate = async () => {
      const log = countingLog();
      const handler = createRegenerateHandler({
        objects: store.objects,
        config,
        publicUrl: PUBLIC_URL,
        log,
      });
      store.requests.clear();
      await handler({});
      return { requests: kinds(store.requests), logBytes: log.bytes };
    };

    // Settle: every source fetched once, the feed published.
    await poll();
    await regenerate();
    await poll(); // the first re-poll records the "not modified" status
    const unchanged = await poll();
    if (unchanged.fresh !== 0) throw new Error("the unchanged poll found news");

    news(FIRST_NEWS);
    const few = await poll();
    await regenerate();
    news(MEASURED_SOURCES);
    const many = await poll();
    if (few.fresh !== FIRST_NEWS || many.fresh !== MEASURED_SOURCES) {
      throw new Error(
        `expected ${FIRST_NEWS} and ${MEASURED_SOURCES} new stories: ${few.fresh}, ${many.fresh}`,
      );
    }
    const regeneration = await regenerate();
    const quiet = await regenerate();

    const perNewStory = atLeastZero(perUnit(few.requests, many.requests, many.fresh - few.fresh));
    const pollWithNews = atLeastZero(plus(few.requests, perNewStory, -few.fresh));
    const perStoryLog = (many.logBytes - few.logBytes) / (many.fresh - few.fresh);

    const created = many.written.filter(
      (k) => k.startsWith(PREFIX.entries) || k.startsWith(PREFIX.keys),
    );
    let storyBytes = 0;
    for (const key of created) storyBytes += (await textSize(store, key)).length;
    const shardKey = many.written.find((k) => k.startsWith(PREFIX.sources));
    if (shardKey === undefined) throw new Error("the poll with news wrote no source state");
    const atom = await textSize(store, `${PREFIX.public}${PUBLIC_FILES.atom}`);
    let feeds = atom.length;
    for (const file of [PUBLIC_FILES.rss, PUBLIC_FILES.json]) {
      feeds += (await textSize(store, `${PREFIX.public}${file}`)).length;
    }
    return {
      unchangedPoll: unchanged.requests,
      pollWithNews,
      perNewStory,
      headCommitsPerPoll: many.headCommits,
      regeneration: regeneration.requests,
      quietRegeneration: quiet.requests,
      logBytes: {
        unchangedPoll: unchanged.logBytes,
        pollWithNews: Math.max(0, few.logBytes - perStoryLog * few.fresh),
        perNewStory: Math.max(0, perStoryLog),
        regeneration: regeneration.logBytes,
      },
      bytes: {
        head: (await textSize(store, HEAD_INDEX_KEY)).length,
        shardStatePerSource: (await textSize(store, shardKey)).length / MEASURED_SOURCES,
        feeds,
        atomGzip: gzipSync(atom).length,
        story: storyBytes / many.fresh,
      },
    };
  } finally {
    rmSync(feedDir, { recursive: true, force: true });
    await store.close();
  }
}

// ------------------------------------------------------------------- the stack

/** Alarm metrics and custom metrics of the synthesized stack. */
export function stackTelemetry(): { alarmMetrics: number; customMetrics: number } {
  const { template } = synthTemplate(testConfig());
  const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map(
    (r) =>
      r.Properties as {
        Namespace?: string;
        Metrics?: { MetricStat?: { Metric: { Namespace: string } } }[];
      },
  );
  const namespaces = alarms.flatMap((a) =>
    a.Namespace !== undefined
      ? [a.Namespace]
      : (a.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.Namespace] : [])),
  );
  return {
    alarmMetrics: namespaces.length,
    customMetrics: new Set(namespaces.filter((n) => !n.startsWith("AWS/"))).size,
  };
}

// ------------------------------------------------------------------- the bill

export interface LineItem {
  service: string;
  arithmetic: string;
  usd: number;
  /** With the always-free allowance taken off. */
  usdFree: number;
}

const usd = (x: number) => (x < 0.005 && x > 0 ? "<0.01" : x.toFixed(2));
const n0 = (x: number) => Math.round(x).toLocaleString("en-US");
const gb = (bytes: number) => bytes / 1024 ** 3;
const poisson = (mean: number) => 1 - Math.exp(-mean);

export function bill(
  sources: number,
  m: Measured,
  telemetry: { alarmMetrics: number; customMetrics: number },
  config: Config = testConfig(),
): LineItem[] {
  const a = ASSUMPTIONS;
  const perShard = config.limits.sourcesPerShard;
  const shards = Math.max(1, Math.ceil(sources / perShard));
  const shardSources = sources / shards;
  const shardPolls = shards * ((DAYS * 24 * 60) / a.pollIntervalMinutes);
  const stories = sources * a.newStoriesPerSourcePerDay * DAYS;
  const newsShare = poisson(stories / shardPolls);
  const withNews = shardPolls * newsShare;
  const unchanged = shardPolls - withNews;
  const headCommits = withNews * m.headCommitsPerPoll;
  const scheduledRegenerations = STACK.regenerationsPerDayScheduled * DAYS;
  const regenerations = headCommits + scheduledRegenerations;
  const readerFetches = a.readers * ((DAYS * 24 * 60) / a.readerIntervalMinutes);
  const originFetches = Math.min(readerFetches, (DAYS * 86_400) / STACK.feedMaxAgeSeconds);

  const s3 = plus(
    plus(
      plus(
        plus(plus(NONE, m.unchangedPoll, unchanged), m.pollWithNews, withNews),
        m.perNewStory,
        stories,
      ),
      m.regeneration,
      headCommits,
    ),
    m.quietRegeneration,
    scheduledRegenerations,
  );
  s3.get += originFetches;

  const pollSeconds =
    a.pollOverheadSeconds +
    Math.ceil(shardSources / config.limits.pollConcurrency) * a.sourceFetchSeconds;
  const ingestGbs = shardPolls * pollSeconds * STACK.ingestMemoryGb;
  const regenerateGbs = regenerations * a.regenerationSeconds * STACK.regenerateMemoryGb;
  const invocations = shardPolls + regenerations;

  const storyGb = gb(stories * a.storedMonths * m.bytes.story);
  const headsPerDay = headCommits / DAYS;
  const noncurrentGb = gb(
    m.bytes.head * headsPerDay * NONCURRENT_DAYS_BY_PREFIX[PREFIX.index] +
      m.bytes.shardStatePerSource *
        shardSources *
        (withNews / DAYS) *
        NONCURRENT_DAYS_BY_PREFIX[PREFIX.sources] +
      m.bytes.feeds * headsPerDay * NONCURRENT_DAYS_BY_PREFIX[PREFIX.public],
  );
  const currentGb = gb(m.bytes.head + m.bytes.feeds + m.bytes.shardStatePerSource * sources);

  const logGb = gb(
    unchanged * m.logBytes.unchangedPoll +
      withNews * m.logBytes.pollWithNews +
      stories * m.logBytes.perNewStory +
      regenerations * m.logBytes.regeneration +
      invocations * a.platformLogBytes,
  );
  const logStoredGb = logGb * (STACK.logRetentionDays / DAYS);

  const changedShare = poisson((stories / (DAYS * 24 * 60)) * a.readerIntervalMinutes);
  const transferGb = gb(readerFetches * (changedShare * m.bytes.atomGzip + 400));
  const schedulerInvocations = shardPolls + scheduledRegenerations;

  const p = PRICES;
  const f = FREE_TIER;
  const free = (cost: number, used: number, allowance: number) =>
    used <= 0 ? 0 : (cost * Math.max(0, used - allowance)) / used;
  const lambdaRequests = invocations * p.lambda.request;
  const gbs = ingestGbs + regenerateGbs;
  const gbsFreeShare = Math.max(0, gbs - f.lambdaGbSeconds) / Math.max(gbs, 1e-9);
  const logsCost = logGb * p.cloudwatch.logIngestGb + logStoredGb * p.cloudwatch.logStorageGbMonth;
  const items: LineItem[] = [
    {
      service: "Lambda ingest (Arm, 512 MB)",
      arithmetic: `${shards} shard(s) × ${n0(shardPolls / shards)} polls = ${n0(shardPolls)} runs × ${pollSeconds.toFixed(1)} s × 0.5 GB = ${n0(ingestGbs)} GB-s`,
      usd: ingestGbs * p.lambda.armGbSecond,
      usdFree: ingestGbs * p.lambda.armGbSecond * gbsFreeShare,
    },
    {
      service: "Lambda regenerate (Arm, 256 MB)",
      arithmetic: `${n0(headCommits)} head commits + ${n0(scheduledRegenerations)} hourly = ${n0(regenerations)} runs × ${a.regenerationSeconds} s × 0.25 GB = ${n0(regenerateGbs)} GB-s`,
      usd: regenerateGbs * p.lambda.armGbSecond,
      usdFree: regenerateGbs * p.lambda.armGbSecond * gbsFreeShare,
    },
    {
      service: "Lambda requests",
      arithmetic: `${n0(invocations)} invocations`,
      usd: lambdaRequests,
      usdFree: free(lambdaRequests, invocations, f.lambdaRequests),
    },
    {
      service: "S3 PUT + LIST",
      arithmetic: `${n0(s3.put)} PUT + ${n0(s3.list)} LIST (${n0(stories)} new stories × ${fmt(m.perNewStory.put)} PUT; ${n0(withNews)} polls with news × ${fmt(m.pollWithNews.put)}; ${n0(headCommits)} regenerations × ${fmt(m.regeneration.put)})`,
      usd: (s3.put + s3.list) * p.s3.put,
      usdFree: (s3.put + s3.list) * p.s3.put,
    },
    {
      service: "S3 GET + HEAD",
      arithmetic: `${n0(s3.get)} (${n0(unchanged)} unchanged polls × ${fmt(m.unchangedPoll.get)}; ${n0(withNews)} polls with news × ${fmt(m.pollWithNews.get)}; ${n0(regenerations)} regenerations; ${n0(originFetches)} CloudFront origin fetches)`,
      usd: s3.get * p.s3.get,
      usdFree: s3.get * p.s3.get,
    },
    {
      service: "S3 storage",
      arithmetic: `${storyGb.toFixed(2)} GB of stories (${a.storedMonths} months × ${n0(stories)} × ${n0(m.bytes.story)} B) + ${noncurrentGb.toFixed(2)} GB old versions (head ${n0(m.bytes.head / 1024)} KB × ${n0(headsPerDay)}/day, kept 1 day) + ${currentGb.toFixed(2)} GB index, state, feeds`,
      usd: (storyGb + noncurrentGb + currentGb) * p.s3.storageGbMonth,
      usdFree: (storyGb + noncurrentGb + currentGb) * p.s3.storageGbMonth,
    },
    {
      service: "CloudFront",
      arithmetic: `${n0(readerFetches)} reader requests (each through the browser-view function), ${transferGb.toFixed(2)} GB out (feed.atom ${n0(m.bytes.atomGzip / 1024)} KB gzipped when changed)`,
      usd:
        readerFetches * (p.cloudfront.httpsRequest + p.cloudfront.functionInvocation) +
        transferGb * p.cloudfront.transferGb,
      usdFree:
        free(readerFetches * p.cloudfront.httpsRequest, readerFetches, f.cloudfrontRequests) +
        free(
          readerFetches * p.cloudfront.functionInvocation,
          readerFetches,
          f.cloudfrontFunctionInvocations,
        ) +
        free(transferGb * p.cloudfront.transferGb, transferGb, f.cloudfrontTransferGb),
    },
    {
      service: "EventBridge Scheduler",
      arithmetic: `${n0(schedulerInvocations)} invocations (${shards} poll schedule(s) + hourly regenerate)`,
      usd: schedulerInvocations * p.scheduler.invocation,
      usdFree: free(
        schedulerInvocations * p.scheduler.invocation,
        schedulerInvocations,
        f.schedulerInvocations,
      ),
    },
    {
      service: "SQS",
      arithmetic: "the dead-letter queue: nothing polls it, a message only when something failed",
      usd: 0,
      usdFree: 0,
    },
    {
      service: "CloudWatch alarms",
      arithmetic: `${telemetry.alarmMetrics} alarm metrics (DeadLetters, StaleFeed) × $${p.cloudwatch.alarmMetric}`,
      usd: telemetry.alarmMetrics * p.cloudwatch.alarmMetric,
      usdFree:
        Math.max(0, telemetry.alarmMetrics - f.cloudwatchAlarmMetrics) * p.cloudwatch.alarmMetric,
    },
    {
      service: "CloudWatch custom metrics",
      arithmetic: `${telemetry.customMetrics} (counts are log fields)`,
      usd: telemetry.customMetrics * p.cloudwatch.customMetric,
      usdFree:
        Math.max(0, telemetry.customMetrics - f.cloudwatchCustomMetrics) *
        p.cloudwatch.customMetric,
    },
    {
      service: "CloudWatch Logs",
      arithmetic: `${logGb.toFixed(3)} GB ingested, kept ${STACK.logRetentionDays} days`,
      usd: logsCost,
      usdFree: free(logsCost, logGb + logStoredGb, f.cloudwatchLogsGb),
    },
  ];
  return items;
}

function printBill(sources: number, items: LineItem[]) {
  const total = items.reduce((n, i) => n + i.usd, 0);
  const totalFree = items.reduce((n, i) => n + i.usdFree, 0);
  console.log(
    `\n${sources.toLocaleString("en-US")} sources, polled every ${ASSUMPTIONS.pollIntervalMinutes} minutes: $${usd(total)} a month ($${usd(totalFree)} with the always-free tiers)`,
  );
  const width = Math.max(...items.map((i) => i.service.length));
  for (const i of items) {
    console.log(
      `  ${i.service.padEnd(width)}  ${usd(i.usd).padStart(6)}  ${usd(i.usdFree).padStart(6)}  ${i.arithmetic}`,
    );
  }
  console.log(
    `  ${"Total".padEnd(width)}  ${usd(total).padStart(6)}  ${usd(totalFree).padStart(6)}  (USD a month: list price, then with the always-free tiers)`,
  );
}

export async function cost(): Promise<void> {
  const m = await measure();
  const telemetry = stackTelemetry();
  console.log(
    "Assumptions (bench/cost.ts ASSUMPTIONS; prices: bench/prices.ts, us-east-1 list prices):",
  );
  for (const [k, v] of Object.entries(ASSUMPTIONS)) console.log(`  ${k} = ${v}`);
  console.log(
    `Measured against the embedded S3 (one shard of ${MEASURED_SOURCES} sources, ${SEEDED_STORIES} stories in the head window):`,
  );
  console.log(`  unchanged poll:           ${show(m.unchangedPoll)}`);
  console.log(
    `  poll with news, base:     ${show(m.pollWithNews)}; head commits: ${m.headCommitsPerPoll}`,
  );
  console.log(`  per new story:            ${show(m.perNewStory)}`);
  console.log(`  regeneration after news:  ${show(m.regeneration)}`);
  console.log(`  regeneration, no news:    ${show(m.quietRegeneration)}`);
  console.log(
    `  sizes: head index ${n0(m.bytes.head / 1024)} KB, a story's objects ${n0(m.bytes.story)} B, source state ${n0(m.bytes.shardStatePerSource)} B a source, the three feeds ${n0(m.bytes.feeds / 1024)} KB (feed.atom gzipped ${n0(m.bytes.atomGzip / 1024)} KB)`,
  );
  console.log(
    `  alarm metrics in the stack: ${telemetry.alarmMetrics}; custom metrics: ${telemetry.customMetrics}`,
  );
  for (const sources of [100, 10_000]) printBill(sources, bill(sources, m, telemetry));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await cost();
}
