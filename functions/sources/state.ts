/**
 * Per-source polling state: what we send back for a 304, when we may ask
 * again, and the history a user needs when a feed silently dies. Pure: the
 * current time always comes in as an RFC 3339 argument.
 */
import type { FetchResult } from "./fetch.ts";

export interface SourceState {
  name: string;
  url: string;
  etag: string | null;
  lastModified: string | null;
  lastAttempt: string | null;
  lastSuccess: string | null;
  /** "200", "304", "404", "timeout", "gone"… */
  lastStatus: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  /** Running total of new items stored from this source. */
  itemsAccepted: number;
  /** RFC 3339: from Retry-After, Cache-Control max-age or failure backoff. */
  nextFetchAfter: string | null;
  /** 410 Gone: never polled again, kept in the table. */
  dead: boolean;
}

/** The first backoff step after a failure. */
const BACKOFF_BASE_SECONDS = 5 * 60;
/** No hint or backoff keeps a source quiet for longer than this. */
const MAX_DELAY_SECONDS = 24 * 60 * 60;

/** A source never fetched yet: due at once. */
export function initialSourceState(name: string, url: string): SourceState {
  return {
    name,
    url,
    etag: null,
    lastModified: null,
    lastAttempt: null,
    lastSuccess: null,
    lastStatus: null,
    lastError: null,
    consecutiveFailures: 0,
    itemsAccepted: 0,
    nextFetchAfter: null,
    dead: false,
  };
}

function ms(rfc3339: string): number {
  const t = Date.parse(rfc3339);
  if (Number.isNaN(t)) throw new RangeError(`not an RFC 3339 time: ${rfc3339}`);
  return t;
}

/** True when the source may be polled at `now`: alive and past its wait. */
export function isDue(state: SourceState, now: string): boolean {
  if (state.dead) return false;
  return state.nextFetchAfter === null || ms(now) >= ms(state.nextFetchAfter);
}

/** Delay after the n-th failure in a row: 5 min, 10, 20… capped at 24 h. */
export function backoffSeconds(consecutiveFailures: number): number {
  if (consecutiveFailures <= 0) return 0;
  const exp = Math.min(consecutiveFailures - 1, 30);
  return Math.min(MAX_DELAY_SECONDS, BACKOFF_BASE_SECONDS * 2 ** exp);
}

/**
 * `now` plus the longest of the given waits (null = no wait asked), capped at
 * 24 h, as RFC 3339 UTC without fractional seconds; null when none is asked.
 */
function waitUntil(now: string, ...seconds: Array<number | null>): string | null {
  const given = seconds.filter((s): s is number => s !== null && Number.isFinite(s) && s > 0);
  if (given.length === 0) return null;
  const wait = Math.min(MAX_DELAY_SECONDS, Math.max(...given));
  return new Date(ms(now) + wait * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The status column of a failure the server did not answer with a status. */
const FAILURE_STATUS: Record<string, string> = {
  timeout: "timeout",
  "too-large": "too large",
  refused: "refused",
  redirect: "redirects",
  decode: "bad encoding",
  "invalid-url": "bad url",
};

function failureStatus(result: Extract<FetchResult, { kind: "error" }>): string {
  if (result.status !== null) return String(result.status);
  const known = result.reason === undefined ? undefined : FAILURE_STATUS[result.reason];
  return known ?? (/timed out/.test(result.message) ? "timeout" : "network");
}

/** The state after one fetch attempt at `now`. */
export function recordFetch(state: SourceState, result: FetchResult, now: string): SourceState {
  const attempted = { ...state, lastAttempt: now };
  if (result.kind === "error") {
    const gone = result.status === 410;
    const failures = state.consecutiveFailures + 1;
    return {
      ...attempted,
      lastStatus: gone ? "gone" : failureStatus(result),
      lastError: result.message,
      consecutiveFailures: failures,
      nextFetchAfter: gone
        ? null
        : waitUntil(now, backoffSeconds(failures), result.retryAfterSeconds),
      dead: gone || state.dead,
    };
  }
  // Both a 200 and a 304 prove the feed is alive: failures reset.
  return {
    ...attempted,
    etag: result.validators.etag,
    lastModified: result.validators.lastModified,
    lastSuccess: now,
    lastStatus: result.kind === "ok" ? String(result.status) : "304",
    lastError: null,
    consecutiveFailures: 0,
    nextFetchAfter: waitUntil(now, result.maxAgeSeconds, result.retryAfterSeconds),
  };
}

/** Adds `count` newly stored items to the source's running total. */
export function recordAccepted(state: SourceState, count: number): SourceState {
  const n = Number.isFinite(count) ? Math.max(0, Math.floor(count)) : 0;
  return { ...state, itemsAccepted: state.itemsAccepted + n };
}

/** A coarse duration for people: "40s", "5m", "3h", "2d". */
function span(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** "2024-05-16 08:00Z": short, sortable and unambiguous. */
function shortDate(rfc3339: string): string {
  return `${new Date(ms(rfc3339)).toISOString().slice(0, 16).replace("T", " ")}Z`;
}

function lastSuccessCell(state: SourceState, now: string): string {
  if (state.lastSuccess === null) return "never";
  const ago = (ms(now) - ms(state.lastSuccess)) / 1000;
  const rel = ago < 60 ? "just now" : `${span(ago)} ago`;
  return `${rel} (${shortDate(state.lastSuccess)})`;
}

function nextFetchCell(state: SourceState, now: string): string {
  if (state.dead) return "never (gone)";
  if (state.nextFetchAfter === null) return "next poll";
  const wait = (ms(state.nextFetchAfter) - ms(now)) / 1000;
  return wait <= 0 ? "next poll" : `in ${span(wait)} (${shortDate(state.nextFetchAfter)})`;
}

/**
 * A plain-text table of all sources, for `cleanfeed sources`: the view a user
 * opens when a feed went quiet. Failing sources get their error on a second
 * line, so the reason is right under the name.
 */
export function formatSourcesTable(states: SourceState[], now: string): string {
  const head = ["NAME", "URL", "LAST SUCCESS", "STATUS", "FAILURES", "ITEMS", "NEXT FETCH"];
  const rows = states.map((s) => [
    s.name,
    s.url,
    lastSuccessCell(s, now),
    s.dead ? "gone (dead)" : (s.lastStatus ?? "not yet"),
    String(s.consecutiveFailures),
    String(s.itemsAccepted),
    nextFetchCell(s, now),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([4, 5]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [line(head)];
  states.forEach((s, i) => {
    out.push(line(rows[i]!));
    if (s.lastError !== null && (s.dead || s.consecutiveFailures > 0)) {
      out.push(`  └ ${s.lastError}`);
    }
  });
  if (states.length === 0) out.push("(no sources)");
  return `${out.join("\n")}\n`;
}

/**
 * The state to poll a configured source with: the stored one, or a fresh one
 * when there is none or the config now points at another URL (its validators,
 * backoff and "gone" verdict belonged to the old URL; the item count stays).
 */
export function stateForSource(stored: SourceState | null, name: string, url: string): SourceState {
  if (stored === null) return initialSourceState(name, url);
  if (stored.url !== url) {
    return { ...initialSourceState(name, url), itemsAccepted: stored.itemsAccepted };
  }
  return stored.name === name ? stored : { ...stored, name };
}
