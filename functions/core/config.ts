/**
 * `cleanfeed.config.json`: the one file that drives the local runner and the
 * CDK app. `parseConfig` validates an already-decoded JSON value and fills in
 * defaults; every error names the bad key.
 */
import { ConfigError } from "./errors.ts";
import type { Author } from "./item.ts";
import { isObject, type JsonObject as Json } from "./json.ts";

export interface SourceConfig {
  /** Short unique name, shown in logs and in `cleanfeed sources`. */
  name: string;
  /** http(s) URL of the feed. Exactly one of `url` and `path` is set. */
  url: string | null;
  /** A local file (relative to the config file): for the local runner only. */
  path: string | null;
}

export interface FeedConfig {
  title: string;
  subtitle: string | null;
  /** Permanent feed id: `urn:uuid:…`, a `tag:` URI or an absolute URL. */
  id: string;
  author: Author;
  siteUrl: string | null;
  language: string | null;
  /** Entries in the current feed document; older ones go to archive pages. */
  windowSize: number;
  /** WebSub hub to announce and ping, or null. */
  hubUrl: string | null;
  /** Public base URL where the files are served; null = decided by the runner. */
  publicUrl: string | null;
}

export interface DedupeConfig {
  /** Max Hamming distance between SimHashes of one story; 0 turns it off. */
  hammingDistance: number;
  /** Texts shorter than this many words are never near-duplicate matched. */
  minWords: number;
  /** How many recent stories the near-duplicate matcher remembers. */
  recentWindow: number;
}

export interface LimitsConfig {
  maxDocumentBytes: number;
  maxItemsPerDocument: number;
  fetchTimeoutMs: number;
  /** Sources polled at once. */
  pollConcurrency: number;
}

export interface DeployConfig {
  alarmEmail: string | null;
  domainName: string | null;
  certificateArn: string | null;
  /** Alarm when the feed was not regenerated for this long. */
  staleFeedHours: number;
  logRetentionDays: number;
  /** `retain` keeps the bucket on `cdk destroy`; `destroy` empties and deletes it. */
  removalPolicy: "retain" | "destroy";
}

export interface Config {
  feed: FeedConfig;
  sources: SourceConfig[];
  pollIntervalMinutes: number;
  dedupe: DedupeConfig;
  limits: LimitsConfig;
  content: { iframeHosts: string[] };
  deploy: DeployConfig;
}

export const DEFAULT_IFRAME_HOSTS = [
  "www.youtube.com",
  "www.youtube-nocookie.com",
  "player.vimeo.com",
];

function section(root: Json, key: string, known: readonly string[]): Json {
  const v = root[key];
  if (v === undefined) return {};
  if (!isObject(v)) throw new ConfigError(key, "must be an object");
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) throw new ConfigError(`${key}.${k}`, "is not a known setting");
  }
  return v;
}

function str(o: Json, key: string, path: string, fallback?: string | null): string | null {
  const v = o[key];
  if (v === undefined || v === null) {
    if (fallback === undefined) throw new ConfigError(path, "is required");
    return fallback;
  }
  if (typeof v !== "string" || v.trim() === "") {
    throw new ConfigError(path, "must be a non-empty string");
  }
  return v.trim();
}

function int(o: Json, key: string, path: string, fallback: number, min: number, max: number) {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(path, `must be a whole number from ${min} to ${max}`);
  }
  return v;
}

function absoluteUrl(value: string | null, path: string): string | null {
  if (value === null) return null;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ConfigError(path, `must be an absolute URL, got "${value}"`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new ConfigError(path, "must be an http or https URL");
  }
  return u.href;
}

function feedId(value: string): string {
  if (/^urn:uuid:[0-9a-f-]{36}$/i.test(value) || /^tag:[^,]+,\d{4}(-\d\d){0,2}:\S*$/.test(value)) {
    return value;
  }
  return absoluteUrl(value, "feed.id") as string;
}

const ROOT_KEYS = [
  "$schema",
  "feed",
  "sources",
  "pollIntervalMinutes",
  "dedupe",
  "limits",
  "content",
  "deploy",
] as const;

/** Validates a decoded config file, filling defaults. Throws `ConfigError`. */
export function parseConfig(value: unknown): Config {
  if (!isObject(value)) throw new ConfigError("(root)", "must be a JSON object");
  for (const k of Object.keys(value)) {
    if (!(ROOT_KEYS as readonly string[]).includes(k)) {
      throw new ConfigError(k, "is not a known setting");
    }
  }
  const feed = section(value, "feed", [
    "title",
    "subtitle",
    "id",
    "author",
    "siteUrl",
    "language",
    "windowSize",
    "hubUrl",
    "publicUrl",
  ]);
  if (!isObject(feed.author) && feed.author !== undefined) {
    throw new ConfigError("feed.author", "must be an object with a name");
  }
  const author = (feed.author ?? {}) as Json;
  const language = str(feed, "language", "feed.language", null);
  if (language !== null && !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language)) {
    throw new ConfigError(
      "feed.language",
      `must be a language tag such as "en", got "${language}"`,
    );
  }
  const sourcesValue = value.sources ?? [];
  if (!Array.isArray(sourcesValue)) throw new ConfigError("sources", "must be an array");
  const names = new Set<string>();
  const sources = sourcesValue.map((s, i): SourceConfig => {
    const path = `sources[${i}]`;
    if (!isObject(s)) throw new ConfigError(path, "must be an object with name and url");
    for (const k of Object.keys(s)) {
      if (!["name", "url", "path"].includes(k)) {
        throw new ConfigError(`${path}.${k}`, "is not a known setting");
      }
    }
    const name = str(s, "name", `${path}.name`) as string;
    if (names.has(name)) throw new ConfigError(`${path}.name`, `"${name}" is used twice`);
    names.add(name);
    const url = absoluteUrl(str(s, "url", `${path}.url`, null), `${path}.url`);
    const file = str(s, "path", `${path}.path`, null);
    if ((url === null) === (file === null)) {
      throw new ConfigError(path, "needs exactly one of url and path");
    }
    return { name, url, path: file };
  });
  const dedupe = section(value, "dedupe", ["hammingDistance", "minWords", "recentWindow"]);
  const limits = section(value, "limits", [
    "maxDocumentBytes",
    "maxItemsPerDocument",
    "fetchTimeoutMs",
    "pollConcurrency",
  ]);
  const content = section(value, "content", ["iframeHosts"]);
  const iframeHosts = content.iframeHosts ?? DEFAULT_IFRAME_HOSTS;
  if (!Array.isArray(iframeHosts) || iframeHosts.some((h) => typeof h !== "string")) {
    throw new ConfigError("content.iframeHosts", "must be an array of host names");
  }
  const deploy = section(value, "deploy", [
    "alarmEmail",
    "domainName",
    "certificateArn",
    "staleFeedHours",
    "logRetentionDays",
    "removalPolicy",
  ]);
  const removalPolicy = str(deploy, "removalPolicy", "deploy.removalPolicy", "retain");
  if (removalPolicy !== "retain" && removalPolicy !== "destroy") {
    throw new ConfigError("deploy.removalPolicy", 'must be "retain" or "destroy"');
  }
  const alarmEmail = str(deploy, "alarmEmail", "deploy.alarmEmail", null);
  if (alarmEmail !== null && !/^[^@\s]+@[^@\s]+$/.test(alarmEmail)) {
    throw new ConfigError("deploy.alarmEmail", `"${alarmEmail}" is not an email address`);
  }
  return {
    feed: {
      title: str(feed, "title", "feed.title", "cleanfeed") as string,
      subtitle: str(feed, "subtitle", "feed.subtitle", null),
      id: feedId(str(feed, "id", "feed.id") as string),
      author: {
        name: str(author, "name", "feed.author.name") as string,
        email: str(author, "email", "feed.author.email", null),
        uri: absoluteUrl(str(author, "uri", "feed.author.uri", null), "feed.author.uri"),
      },
      siteUrl: absoluteUrl(str(feed, "siteUrl", "feed.siteUrl", null), "feed.siteUrl"),
      language,
      windowSize: int(feed, "windowSize", "feed.windowSize", 50, 1, 1000),
      hubUrl: absoluteUrl(str(feed, "hubUrl", "feed.hubUrl", null), "feed.hubUrl"),
      publicUrl: absoluteUrl(str(feed, "publicUrl", "feed.publicUrl", null), "feed.publicUrl"),
    },
    sources,
    pollIntervalMinutes: int(value, "pollIntervalMinutes", "pollIntervalMinutes", 15, 1, 1440),
    dedupe: {
      hammingDistance: int(dedupe, "hammingDistance", "dedupe.hammingDistance", 3, 0, 16),
      minWords: int(dedupe, "minWords", "dedupe.minWords", 40, 1, 100000),
      recentWindow: int(dedupe, "recentWindow", "dedupe.recentWindow", 2000, 10, 20000),
    },
    limits: {
      maxDocumentBytes: int(
        limits,
        "maxDocumentBytes",
        "limits.maxDocumentBytes",
        10 << 20,
        1024,
        100 << 20,
      ),
      maxItemsPerDocument: int(
        limits,
        "maxItemsPerDocument",
        "limits.maxItemsPerDocument",
        5000,
        1,
        100000,
      ),
      fetchTimeoutMs: int(limits, "fetchTimeoutMs", "limits.fetchTimeoutMs", 15000, 100, 120000),
      pollConcurrency: int(limits, "pollConcurrency", "limits.pollConcurrency", 8, 1, 64),
    },
    content: { iframeHosts: iframeHosts as string[] },
    deploy: {
      alarmEmail,
      domainName: str(deploy, "domainName", "deploy.domainName", null),
      certificateArn: str(deploy, "certificateArn", "deploy.certificateArn", null),
      staleFeedHours: int(deploy, "staleFeedHours", "deploy.staleFeedHours", 6, 1, 720),
      logRetentionDays: int(deploy, "logRetentionDays", "deploy.logRetentionDays", 30, 1, 3653),
      removalPolicy,
    },
  };
}
