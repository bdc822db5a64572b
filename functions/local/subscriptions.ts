/**
 * The commands that change which sources the config lists: `add` (by a page
 * or feed URL) and `sources import` / `sources export` (OPML). Each returns
 * its exit code: 0 done, 1 some input refused (what could be added was).
 */
import { readFileSync } from "node:fs";
import { findFeed, NoFeedError } from "./add.ts";
import { type Io, print } from "./command.ts";
import { appendSources, type NewSource, sameUrlKey, sourceName } from "./config-edit.ts";
import { OpmlError, parseOpml, renderOpml } from "./opml.ts";
import { loadConfig } from "./runtime.ts";

const sayTo = (io: Io) => (line: string) => io.stderr.write(`${line}\n`);

/** `cleanfeed add <url>`: finds the feed, checks it parses, appends it as a new source. */
export async function addSource(io: Io, configPath: string, url: string): Promise<number> {
  const say = sayTo(io);
  const doc = loadConfig(configPath);
  const refuseDuplicate = (at: string) => {
    const existing = doc.config.sources.find(
      (s) => s.url !== null && sameUrlKey(s.url) === sameUrlKey(at),
    );
    if (existing === undefined) return false;
    say(
      `cleanfeed: ${at} is already a source, "${existing.name}", in ${configPath}: nothing added`,
    );
    return true;
  };
  if (refuseDuplicate(url)) return 1;
  let feed: Awaited<ReturnType<typeof findFeed>>;
  try {
    feed = await findFeed(url, doc.config);
  } catch (e) {
    if (!(e instanceof NoFeedError)) throw e;
    say(`cleanfeed: no usable feed: ${e.message}`);
    return 1;
  }
  if (refuseDuplicate(feed.url)) return 1;
  const taken = new Set(doc.config.sources.map((s) => s.name));
  const source = { name: sourceName(feed.title, feed.url, taken), url: sameUrlKey(feed.url) };
  appendSources(doc, [source]);
  print(io, { added: source.name, url: source.url, title: feed.title, entries: feed.entries });
  say(`added source "${source.name}" to ${configPath}`);
  return 0;
}

/** `cleanfeed sources import FILE.opml`: every feed outline not already a source. */
export function importSources(io: Io, configPath: string, file: string): number {
  const say = sayTo(io);
  const doc = loadConfig(configPath);
  let feeds: ReturnType<typeof parseOpml>;
  try {
    feeds = parseOpml(readFileSync(file, "utf-8"));
  } catch (e) {
    if (!(e instanceof OpmlError)) throw e;
    say(`cleanfeed: ${file}: ${e.message}`);
    return 1;
  }
  const known = new Set(
    doc.config.sources.flatMap((s) => (s.url === null ? [] : [sameUrlKey(s.url)])),
  );
  const taken = new Set(doc.config.sources.map((s) => s.name));
  const added: NewSource[] = [];
  let duplicates = 0;
  let invalid = 0;
  for (const feed of feeds) {
    const url = URL.canParse(feed.xmlUrl) ? new URL(feed.xmlUrl) : null;
    if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) {
      say(`skipped: "${feed.xmlUrl}" is not an http(s) URL`);
      invalid++;
      continue;
    }
    if (known.has(url.href)) {
      duplicates++;
      continue;
    }
    known.add(url.href);
    added.push({ name: sourceName(feed.title, url.href, taken), url: url.href });
  }
  if (added.length > 0) appendSources(doc, added);
  print(io, { added: added.length, duplicates, invalid });
  say(
    `imported ${added.length} source${added.length === 1 ? "" : "s"} into ${configPath}` +
      ` (${duplicates} already there, ${invalid} unusable)`,
  );
  return invalid > 0 ? 1 : 0;
}

/** `cleanfeed sources export`: the URL sources as OPML 2.0 on stdout. */
export function exportSources(io: Io, configPath: string): number {
  const say = sayTo(io);
  const { config } = loadConfig(configPath);
  const feeds = config.sources.flatMap((s) =>
    s.url === null ? [] : [{ name: s.name, url: s.url }],
  );
  const local = config.sources.length - feeds.length;
  io.stdout.write(renderOpml(config.feed.title, feeds));
  if (local > 0)
    say(`not exported: ${local} source${local === 1 ? "" : "s"} read from local files`);
  return 0;
}
