/**
 * One regeneration: the window of newest stories becomes feed.atom (with RSS
 * and JSON Feed alternates), stories that left the window go to a new
 * immutable archive page. Reads the head index and only the stories it lacks,
 * so its cost does not grow with history. Safe to run concurrently: archive
 * pages are claimed with a compare-and-swap on the archive state.
 */
import type { Config } from "../core/config.ts";
import type { Entry, FeedMeta } from "../core/item.ts";
import {
  checkAtom,
  checkJsonFeed,
  checkRss,
  FEED_STYLESHEET,
  type PageLinks,
  renderAtom,
  renderJsonFeed,
  renderRss,
} from "../core/render/index.ts";
import { readHead, type WindowStory } from "../store/head.ts";
import { PUBLIC_FILES } from "../store/layout.ts";
import { type Objects, withRetry } from "../store/objects.ts";
import {
  ARCHIVE_STATE_KEY,
  type ArchiveState,
  publish,
  readArchiveState,
} from "../store/published.ts";
import { readStory } from "../store/stories.ts";

export interface RegenerateDeps {
  objects: Objects;
  config: Config;
  /** Base URL the public files are served from, ending in `/`. */
  publicUrl: string;
  /**
   * How archive pages (immutable, written once) link to the feed and to each
   * other: with `publicUrl` ("absolute", where it is the feed's address for
   * good: the config's or the cloud's), or relative to themselves
   * ("relative": a local run's loopback address changes with the next
   * `serve --port`, and a page keeps what it was written with).
   */
  archiveLinks?: "absolute" | "relative";
  /** Tells the WebSub hub the feed changed (network: injected by the edge). */
  pingHub?: (hubUrl: string, topicUrl: string) => Promise<void>;
}

export interface RegenerateResult {
  entries: number;
  /** Files written (paths below public/); empty when nothing changed. */
  written: string[];
  archivePages: number;
  /** Why the WebSub ping failed, if it did. */
  hubError: string | null;
}

/** The feed would not validate: the last good one stays published. */
class PublishRefusedError extends Error {
  override name = "PublishRefusedError";
}

const FEED_CACHE = "public, max-age=300";
const ARCHIVE_CACHE = "public, max-age=31536000, immutable";
const EPOCH = "1970-01-01T00:00:00Z";

/** Newest first by published date; ties broken by id so output is deterministic. */
function newestFirst(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) =>
    a.published === b.published ? (a.id < b.id ? -1 : 1) : a.published < b.published ? 1 : -1,
  );
}

function latestUpdate(entries: Entry[]): string {
  // biome-ignore lint/complexity/useMathMinMax: these are RFC 3339 strings, not numbers
  return entries.reduce((max, e) => (e.updated > max ? e.updated : max), EPOCH);
}

async function entriesOf(objects: Objects, stories: WindowStory[]): Promise<Entry[]> {
  const entries = await Promise.all(
    stories.map(async (s) => s.entry ?? (await readStory(objects, s.id))?.value.entry ?? null),
  );
  return entries.filter((e): e is Entry => e !== null);
}

function problemsOf(kind: string, problems: string[]) {
  if (problems.length > 0) {
    throw new PublishRefusedError(`${kind} failed its checks: ${problems.join("; ")}`);
  }
}

export async function regenerate(deps: RegenerateDeps): Promise<RegenerateResult> {
  const { objects, config, publicUrl } = deps;
  // The feed section names the feed as FeedMeta does; only where it is served is the runner's.
  const meta: FeedMeta = { ...config.feed, selfUrl: `${publicUrl}${PUBLIC_FILES.atom}` };
  const { head } = await readHead(objects);
  const live = head.stories.filter((s) => !s.removed);
  const window = live.slice(0, config.feed.windowSize);
  const windowFloor = window.length < config.feed.windowSize ? 0 : (window.at(-1)?.seq ?? 0);
  const written: string[] = [];

  // Seal pages until every story below the window is archived: a concurrent
  // regeneration may have sealed a smaller page than this one's window needs.
  let archive: ArchiveState;
  for (let round = 0; ; round++) {
    const step = await withRetry(() => archiveStep(deps, meta, live, windowFloor));
    archive = step.state;
    if (step.wrote) written.push(step.wrote);
    if (!step.sealed || round > 8) break;
  }

  const entries = newestFirst(await entriesOf(objects, window));
  const page: PageLinks = {
    self: meta.selfUrl,
    current: meta.selfUrl,
    alternates: {
      rss: `${publicUrl}${PUBLIC_FILES.rss}`,
      json: `${publicUrl}${PUBLIC_FILES.json}`,
    },
    prevArchive: archive.pages > 0 ? `${publicUrl}${PUBLIC_FILES.archive(archive.pages)}` : null,
    nextArchive: null,
    archive: false,
    updated: latestUpdate(entries),
    stylesheet: PUBLIC_FILES.stylesheet,
  };
  const atom = renderAtom(meta, entries, page);
  const rss = renderRss(meta, entries, page);
  const json = renderJsonFeed(meta, entries, page);
  problemsOf(PUBLIC_FILES.atom, checkAtom(atom));
  problemsOf(PUBLIC_FILES.rss, checkRss(rss));
  problemsOf(PUBLIC_FILES.json, checkJsonFeed(json));
  // The Atom feed last: a reader that sees it new finds its alternates new too.
  // The stylesheet first: a browser that opens a new feed finds what it names.
  const files = [
    {
      path: PUBLIC_FILES.stylesheet,
      body: FEED_STYLESHEET,
      contentType: "text/xsl; charset=utf-8",
    },
    { path: PUBLIC_FILES.rss, body: rss, contentType: "application/rss+xml; charset=utf-8" },
    { path: PUBLIC_FILES.json, body: json, contentType: "application/feed+json; charset=utf-8" },
    { path: PUBLIC_FILES.atom, body: atom, contentType: "application/atom+xml; charset=utf-8" },
  ];
  for (const file of files) {
    if (await publish(objects, { ...file, cacheControl: FEED_CACHE })) written.push(file.path);
  }
  let hubError: string | null = null;
  if (written.includes(PUBLIC_FILES.atom) && config.feed.hubUrl && deps.pingHub) {
    // The feed is published either way; a hub that is down only delays readers.
    hubError = await deps.pingHub(config.feed.hubUrl, meta.selfUrl).then(
      () => null,
      (e: unknown) => String(e),
    );
  }
  return { entries: entries.length, written, archivePages: archive.pages, hubError };
}

/** `to` as a link from the public file `from` (`archive/3.atom` → `2.atom`, `../feed.atom`). */
function relativePath(from: string, to: string): string {
  const dir = from.slice(0, from.lastIndexOf("/") + 1);
  if (to.startsWith(dir)) return to.slice(dir.length);
  return `${"../".repeat(dir.split("/").length - 1)}${to}`;
}

/**
 * Claims (or finishes a claimed), writes and seals at most one archive page.
 * `sealed`: a page was sealed in this step, so there may be more to do.
 */
async function archiveStep(
  deps: RegenerateDeps,
  meta: FeedMeta,
  live: WindowStory[],
  windowFloor: number,
): Promise<{ state: ArchiveState; sealed: boolean; wrote: string | null }> {
  const { objects, publicUrl } = deps;
  let { state, etag } = await readArchiveState(objects);
  if (state.pending === null) {
    const archivedSeq = state.archivedSeq;
    const leaving = live.filter((s) => s.seq > archivedSeq && s.seq < windowFloor);
    if (leaving.length === 0) return { state, sealed: false, wrote: null };
    const claimed: ArchiveState = {
      ...state,
      pending: {
        page: state.pages + 1,
        ids: leaving.map((s) => s.id),
        archivedSeq: windowFloor - 1,
      },
    };
    etag = await objects.swapJson(ARCHIVE_STATE_KEY, claimed, etag);
    state = claimed;
  }
  const pending = state.pending!;
  const stories = await Promise.all(pending.ids.map((id) => readStory(objects, id)));
  const entries = newestFirst(
    stories.flatMap((s) => (s && !s.value.removed ? [s.value.entry] : [])),
  );
  const path = PUBLIC_FILES.archive(pending.page);
  const relative = deps.archiveLinks === "relative";
  const linkTo = (target: string) =>
    relative ? relativePath(path, target) : `${publicUrl}${target}`;
  // Immutable once written, so no next-archive link: the page cannot know its successor.
  const page: PageLinks = {
    self: linkTo(path),
    current: linkTo(PUBLIC_FILES.atom),
    alternates: null,
    prevArchive: pending.page > 1 ? linkTo(PUBLIC_FILES.archive(pending.page - 1)) : null,
    nextArchive: null,
    archive: true,
    updated: latestUpdate(entries),
  };
  const xml = renderAtom(meta, entries, page);
  problemsOf(path, checkAtom(xml, { base: `${publicUrl}${path}` }));
  const wrote = await publish(objects, {
    path,
    body: xml,
    contentType: "application/atom+xml; charset=utf-8",
    cacheControl: ARCHIVE_CACHE,
  });
  const sealed: ArchiveState = {
    version: 1,
    pages: pending.page,
    archivedSeq: pending.archivedSeq,
    pending: null,
  };
  await objects.swapJson(ARCHIVE_STATE_KEY, sealed, etag);
  return { state: sealed, sealed: true, wrote: wrote ? path : null };
}
