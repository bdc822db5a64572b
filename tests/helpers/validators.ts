/**
 * Third-party judges of our output: jing (RELAX NG of RFC 4287) and Python's
 * feedparser (what many real readers are built on). Both are Debian packages
 * (`jing`, `python3-feedparser`). When one is missing the tests that need it
 * are skipped with a loud warning, except under CI, where they fail.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { it } from "vitest";
import { JING, missingMessage, PYTHON, tools, warnSkipping } from "./tools.ts";

/** RFC 4287's RELAX NG schema (Appendix B), copied into the repo so any clone can validate. */
const ATOM_RNC = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures/atom.rnc");

/**
 * `it` when the tool is there (or under CI, where its absence must fail the
 * test), otherwise `it.skip` after a warning nobody can miss.
 */
export function itWithTool(tool: "jing" | "feedparser"): typeof it {
  if (tools[tool] || process.env.CI === "true") return it;
  warnSkipping(tool);
  return it.skip as typeof it;
}

/** jing's verdict on an Atom document: `ok` and its messages (empty when valid). */
export interface JingResult {
  ok: boolean;
  messages: string[];
}

/** Validate `xml` against RFC 4287's RELAX NG schema with jing. */
export function runJing(xml: string): JingResult {
  const result = runJingAll({ feed: xml }).feed;
  if (result === undefined) throw new Error("jing gave no verdict");
  return result;
}

/**
 * Validate several documents in one jing run (one JVM start instead of many),
 * keyed by the names given; each result lists only its own document's messages.
 */
export function runJingAll(docs: Record<string, string>): Record<string, JingResult> {
  if (!tools.jing) throw new Error(missingMessage("jing"));
  const dir = mkdtempSync(join(tmpdir(), "cleanfeed-jing-"));
  try {
    const names = Object.keys(docs);
    const files = names.map((_, i) => join(dir, `doc${i}.atom`));
    for (const [i, name] of names.entries()) writeFileSync(files[i]!, docs[name]!, "utf8");
    const r = spawnSync(JING, ["-c", ATOM_RNC, ...files], { encoding: "utf8" });
    if (r.error) throw r.error;
    const lines = `${r.stdout}${r.stderr}`
      .split("\n")
      // The Debian wrapper warns about optional jars on every run.
      .filter((l) => l.trim() !== "" && !l.startsWith("[warning] /usr/bin/jing"));
    const out: Record<string, JingResult> = {};
    names.forEach((name, i) => {
      const prefix = `${files[i]}:`;
      const messages = lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
      out[name] = { ok: messages.length === 0, messages };
    });
    // Messages naming no file (a broken schema, a crash) fail every document.
    const orphans = lines.filter((l) => !files.some((f) => l.startsWith(`${f}:`)));
    if (orphans.length > 0 || (r.status !== 0 && Object.values(out).every((x) => x.ok))) {
      for (const name of names)
        out[name] = { ok: false, messages: [...out[name]!.messages, ...orphans] };
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What feedparser made of a document. */
export interface FeedparserResult {
  /** 0 when the document parsed cleanly. */
  bozo: number;
  bozoException: string | null;
  /** feedparser's format guess: `atom10`, `rss20`… */
  version: string;
  feed: { title: string | null; link: string | null; language: string | null };
  entries: {
    id: string | null;
    title: string | null;
    link: string | null;
    updated: string | null;
    published: string | null;
    authors: string[];
    tags: string[];
    summary: string | null;
    content: string | null;
    enclosures: string[];
  }[];
}

const FEEDPARSER_SCRIPT = `
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
def g(o, k):
    v = o.get(k)
    return v if isinstance(v, str) else None
out = {
  "bozo": int(bool(d.get("bozo"))),
  "bozoException": str(d.get("bozo_exception")) if d.get("bozo") else None,
  "version": d.get("version") or "",
  "feed": {"title": g(d.feed, "title"), "link": g(d.feed, "link"), "language": g(d.feed, "language")},
  "entries": [{
    "id": g(e, "id"),
    "title": g(e, "title"),
    "link": g(e, "link"),
    "updated": g(e, "updated"),
    "published": g(e, "published"),
    "authors": [a.get("name") or a.get("email") or "" for a in e.get("authors", [])],
    "tags": [t.get("term") or "" for t in e.get("tags", [])],
    "summary": g(e, "summary"),
    "content": (e.get("content") or [{}])[0].get("value"),
    "enclosures": [x.get("href") or "" for x in e.get("enclosures", [])],
  } for e in d.entries],
}
json.dump(out, sys.stdout)
`;

/** Parse `xml` with Python's feedparser and report bozo and the entries it saw. */
export function runFeedparser(xml: string): FeedparserResult {
  if (!tools.feedparser) throw new Error(missingMessage("feedparser"));
  const r = spawnSync(PYTHON, ["-c", FEEDPARSER_SCRIPT], { input: xml, encoding: "utf8" });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`feedparser failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as FeedparserResult;
}
