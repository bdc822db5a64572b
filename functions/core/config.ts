/**
 * `cleanfeed.config.json`: the one file that drives the local runner and the
 * CDK app. `parseConfig` validates an already-decoded JSON value and fills in
 * defaults; every error names the bad key. The schemas below are the config's
 * single definition: its types are inferred from them, so a new setting is
 * one line in its section.
 */
import * as v from "valibot";
import { ConfigError } from "./errors.ts";
import { issuePath, jsonObject } from "./json.ts";

export const DEFAULT_IFRAME_HOSTS = [
  "www.youtube.com",
  "www.youtube-nocookie.com",
  "player.vimeo.com",
];

const NON_EMPTY = "must be a non-empty string";
/** A string setting, trimmed. */
const nonEmpty = v.pipe(
  v.string((issue) => (issue.input == null ? "is required" : NON_EMPTY)),
  v.trim(),
  v.nonEmpty(NON_EMPTY),
);
/** An optional string setting: absent or null means null. */
const text = v.nullish(nonEmpty, null);
/** An optional string setting of a given form. */
const matching = (pattern: RegExp, message: (value: string) => string) =>
  v.nullish(
    v.pipe(
      nonEmpty,
      v.regex(pattern, (issue) => message(issue.input)),
    ),
    null,
  );

/** An absolute http(s) URL, normalized by the URL parser; `keep` values pass as written. */
const httpUrl = (keep?: (value: string) => boolean) =>
  v.rawTransform<string, string>(({ dataset: { value }, addIssue, NEVER }) => {
    if (keep?.(value)) return value;
    if (!URL.canParse(value)) {
      addIssue({ message: `must be an absolute URL, got "${value}"` });
      return NEVER;
    }
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return url.href;
    addIssue({ message: "must be an http or https URL" });
    return NEVER;
  });
const url = v.nullish(v.pipe(nonEmpty, httpUrl()), null);

const whole = (fallback: number, min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return v.optional(
    v.pipe(
      v.number(message),
      v.integer(message),
      v.minValue(min, message),
      v.maxValue(max, message),
    ),
    fallback,
  );
};

/** An object of known settings: a section of the file (absent means all defaults), a source. */
const section = <const TEntries extends v.ObjectEntries>(
  entries: TEntries,
  notObject = "must be an object",
) => jsonObject(entries, notObject, "is not a known setting");

const isFeedIdUri = (id: string) =>
  /^urn:uuid:[0-9a-f-]{36}$/i.test(id) || /^tag:[^,]+,\d{4}(-\d\d){0,2}:\S*$/.test(id);

const FeedSchema = section({
  title: v.nullish(nonEmpty, "cleanfeed"),
  subtitle: text,
  /** Permanent feed id: `urn:uuid:…`, a `tag:` URI or an absolute URL. */
  id: v.pipe(nonEmpty, httpUrl(isFeedIdUri)),
  author: v.optional(
    section({ name: nonEmpty, email: text, uri: url }, "must be an object with a name"),
    {},
  ),
  siteUrl: url,
  language: matching(
    /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/,
    (tag) => `must be a language tag such as "en", got "${tag}"`,
  ),
  /** Entries in the current feed document; older ones go to archive pages. */
  windowSize: whole(50, 1, 1000),
  /** WebSub hub to announce and ping, or null. */
  hubUrl: url,
  /** Public base URL where the files are served; null = decided by the runner. */
  publicUrl: url,
});

const SourceSchema = v.pipe(
  section(
    {
      /** Short unique name, shown in logs and in `cleanfeed sources`. */
      name: nonEmpty,
      /** http(s) URL of the feed. Exactly one of `url` and `path` is set. */
      url,
      /** A local file (relative to the config file): for the local runner only. */
      path: text,
    },
    "must be an object with name and url",
  ),
  v.check((s) => (s.url === null) !== (s.path === null), "needs exactly one of url and path"),
);

const DedupeSchema = section({
  /** Merge near-duplicate texts (core/dedupe/match.ts); false: exact keys only. */
  nearDuplicates: v.optional(v.boolean("must be true or false"), true),
  /** Texts shorter than this many words are never near-duplicate matched. */
  minWords: whole(40, 1, 100000),
  /** How many recent stories the near-duplicate matcher remembers. */
  recentWindow: whole(2000, 10, 20000),
});

const LimitsSchema = section({
  maxDocumentBytes: whole(10 << 20, 1024, 100 << 20),
  maxItemsPerDocument: whole(5000, 1, 100000),
  fetchTimeoutMs: whole(15000, 100, 120000),
  /** Sources polled at once. */
  pollConcurrency: whole(8, 1, 64),
  /**
   * Sources one ingest invocation polls: a config of more sources is split
   * into shards of this many (`sourceShards`), each polled by an invocation of
   * its own (in the cloud, one schedule per shard).
   */
  sourcesPerShard: whole(200, 1, 1000),
});

const ContentSchema = section({
  iframeHosts: v.nullish(
    v.custom<string[]>(
      (h) => Array.isArray(h) && h.every((x) => typeof x === "string"),
      "must be an array of host names",
    ),
    DEFAULT_IFRAME_HOSTS,
  ),
  /** "link": an allowed video iframe becomes a link to the video (no validator warning); "embed" keeps it. */
  iframes: v.nullish(
    v.pipe(nonEmpty, v.picklist(["link", "embed"], 'must be "link" or "embed"')),
    "link",
  ),
});

const DeploySchema = section({
  /** The CloudFormation stack; the account-global names (CloudFront policies) start with it. */
  stackName: v.nullish(
    v.pipe(
      nonEmpty,
      v.regex(
        /^[A-Za-z][A-Za-z0-9-]{0,39}$/,
        "must be 1 to 40 letters, digits or hyphens, starting with a letter",
      ),
    ),
    "Cleanfeed",
  ),
  alarmEmail: matching(/^[^@\s]+@[^@\s]+$/, (email) => `"${email}" is not an email address`),
  domainName: text,
  certificateArn: text,
  /** Alarm when the feed was not regenerated for this long. */
  staleFeedHours: whole(6, 1, 720),
  logRetentionDays: whole(30, 1, 3653),
  /** `retain` keeps the bucket on `cdk destroy`; `destroy` empties and deletes it. */
  removalPolicy: v.nullish(
    v.pipe(nonEmpty, v.picklist(["retain", "destroy"], 'must be "retain" or "destroy"')),
    "retain",
  ),
});

const ConfigSchema = v.pipe(
  section(
    {
      $schema: v.optional(v.unknown()),
      feed: v.optional(FeedSchema, {}),
      sources: v.nullish(v.array(SourceSchema, "must be an array"), []),
      pollIntervalMinutes: whole(15, 1, 1440),
      dedupe: v.optional(DedupeSchema, {}),
      limits: v.optional(LimitsSchema, {}),
      content: v.optional(ContentSchema, {}),
      deploy: v.optional(DeploySchema, {}),
    },
    "must be a JSON object",
  ),
  v.transform(({ $schema, ...config }) => config),
);

export type Config = v.InferOutput<typeof ConfigSchema>;
export type SourceConfig = v.InferOutput<typeof SourceSchema>;

/** Validates a decoded config file, filling defaults. Throws `ConfigError`. */
export function parseConfig(value: unknown): Config {
  const result = v.safeParse(ConfigSchema, value, { abortEarly: true });
  if (!result.success) {
    const [issue] = result.issues;
    throw new ConfigError(issuePath(issue) || "(root)", issue.message);
  }
  const config = result.output;
  const names = new Set<string>();
  for (const [i, { name }] of config.sources.entries()) {
    if (names.has(name)) throw new ConfigError(`sources[${i}].name`, `"${name}" is used twice`);
    names.add(name);
  }
  return config;
}

/**
 * How long one poll may go on starting fetches. A source is started only if
 * its fetch (at most `fetchTimeoutMs`) ends within this budget; the rest wait
 * for the next poll. The ingest Lambda's timeout is the budget plus
 * COMMIT_MARGIN_MS, the time left to store, commit and write source state:
 * so a shard full of hanging sources still ends and records their failures
 * (and backoff) instead of timing out before any of it is written.
 */
export const POLL_BUDGET_MS = 240_000;
export const COMMIT_MARGIN_MS = 60_000;

/**
 * The shards of a scheduled poll: source names in config order,
 * `sourcesPerShard` at a time. The stack makes one schedule per shard and
 * the bundle carries the same config, so a shard's index names its sources.
 */
export function sourceShards(config: Config): string[][] {
  const names = config.sources.map((s) => s.name);
  const size = config.limits.sourcesPerShard;
  const shards: string[][] = [];
  for (let i = 0; i < names.length; i += size) shards.push(names.slice(i, i + size));
  return shards;
}
