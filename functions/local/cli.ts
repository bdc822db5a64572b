/**
 * The `cleanfeed` command: a thin edge over the same handlers the Lambdas run.
 * Output a user asked for goes to stdout; progress and problems to stderr.
 *
 * Exit codes, the same for every command: 0 all good; 1 some input was
 * refused or failed (the rest is stored and published); 2 a usage error.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { copyOf } from "../core/dedupe/facts.ts";
import { sourceNames } from "../core/dedupe/story.ts";
import { FeedError } from "../core/errors.ts";
import {
  type IngestReport,
  type Input,
  Invocation,
  normalizeInput,
  StoreFailure,
} from "../ingest/ingest.ts";
import { readSourceStates } from "../ingest/poll.ts";
import { clock } from "../runtime/clock.ts";
import { DEFAULT_CONFIG_FILE } from "../runtime/config-file.ts";
import type { Log } from "../runtime/log.ts";
import { pushToEndpoint } from "../sources/push-client.ts";
import { formatSourcesTable } from "../sources/state.ts";
import { PREFIX } from "../store/layout.ts";
import { readPublic } from "../store/published.ts";
import { readStory, resolveStory } from "../store/stories.ts";
import { fetchDocument } from "./add.ts";
import { type Command, type Io, OPTIONS, print, UsageError, withStore } from "./command.ts";
import { entries } from "./entries.ts";
import { loadConfig } from "./runtime.ts";
import { serve } from "./serve-command.ts";
import { addSource, exportSources, importSources } from "./subscriptions.ts";

const OPTIONS_USAGE = `options:
  --config FILE     config file (default ${DEFAULT_CONFIG_FILE})
  --data DIR        embedded S3 data folder (default .cleanfeed)
  --endpoint URL    use this S3 endpoint instead of the embedded one (with --bucket NAME)
  --bucket NAME     bucket on --endpoint
  --port N          serve: port on 127.0.0.1 (default 8787)
  --out DIR         regenerate: also write the published files here
  --event FILE      invoke: the event JSON
  --explain         normalize: also print the dedupe keys and fingerprint
  --json            entries: one JSON object per line
  --limit N         entries: at most N (default 20)
  --source NAME     entries: only those with a copy from this source
  --quiet           less progress on stderr
  -h, --help        this text

exit codes: 0 all good; 1 some input refused or failed (the rest is stored and
published); 2 usage error`;

/** A file the user named that is not there or not readable: their mistake, not ours. */
function isUnreadable(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === "ENOENT" || code === "EACCES" || code === "EISDIR";
}

/** A document from a file or an http(s) URL, as bytes (the parser decodes them). */
async function readDocument(target: string): Promise<Input> {
  if (!/^https?:\/\//i.test(target)) {
    const body = new Uint8Array(readFileSync(target));
    return { source: basename(target), documentUrl: null, contentType: null, body };
  }
  const { url, contentType, body } = await fetchDocument(target, {
    timeoutMs: 20_000,
    maxBytes: 50 << 20,
  });
  return { source: target, documentUrl: url, contentType, body };
}

/** Whether a handler's report (or the push endpoint's answer) leaves out some input: exit code 1. */
function refusesSome(report: unknown): boolean {
  const { rejected, failed } = (report ?? {}) as Partial<IngestReport>;
  return (
    (Array.isArray(rejected) && rejected.length > 0) || (Array.isArray(failed) && failed.length > 0)
  );
}

const ingest: Command = {
  synopsis: "ingest <file|url>...",
  summary: "ingest feed documents into the store, then regenerate",
  run: async (args, ctx) => {
    if (args.length === 0) throw new UsageError("ingest needs at least one file or URL");
    return withStore(ctx, async ({ handlers }) => {
      // one invocation for all the documents: one head commit, then one regeneration
      const invocation = new Invocation(handlers.deps);
      let refused = false;
      for (const target of args) {
        try {
          const report = await invocation.ingest(await readDocument(target));
          print(ctx.io, report);
          refused ||= refusesSome(report);
        } catch (e) {
          if (!(e instanceof FeedError) && !isUnreadable(e)) throw e;
          handlers.log.error((e as Error).message);
          refused = true;
        }
      }
      await invocation.commit();
      await handlers.regenerate({});
      return refused ? 1 : 0;
    });
  },
};

const regenerate: Command = {
  synopsis: "regenerate [--out DIR]",
  summary: "regenerate the published feeds (and copy them into DIR)",
  run: async (_args, ctx) =>
    withStore(ctx, async ({ handlers, store }) => {
      print(ctx.io, await handlers.regenerate({}));
      const out = ctx.values.out;
      if (out) {
        // Everything that is served (the feeds, feed.xsl they name, the archive pages they
        // link to), laid out as served: the folder works on any static host.
        for (const { key } of await store.objects.list(PREFIX.public)) {
          const path = key.slice(PREFIX.public.length);
          const file = await readPublic(store.objects, path);
          if (file === null) continue;
          mkdirSync(dirname(join(out, path)), { recursive: true });
          writeFileSync(join(out, path), file.value);
        }
      }
      return 0;
    }),
};

const normalize: Command = {
  synopsis: "normalize <file|url>",
  summary: "print the normalized items as JSON Lines; stores nothing",
  run: async (args, { values, io }) => {
    if (args.length !== 1) throw new UsageError("normalize takes one file or URL");
    const { config } = loadConfig(values.config);
    const { groups } = normalizeInput(await readDocument(args[0]!), config, clock());
    for (const { source, copies } of groups) {
      for (const copy of copies) {
        const facts = values.explain ? copyOf(copy, source) : null;
        const explain = facts && {
          home: facts.home,
          keys: facts.storyKeys,
          words: facts.shown.words,
          sentences: facts.profile.sentences.length,
          teaser: facts.teaser,
        };
        print(io, explain ? { ...copy.item, explain } : copy.item);
      }
    }
    return 0;
  },
};

const invoke: Command = {
  synopsis: "invoke <ingest|regenerate> --event FILE",
  summary: "run a handler on a Lambda event JSON",
  run: async (args, ctx) => {
    const [fn] = args;
    if (fn !== "ingest" && fn !== "regenerate") {
      throw new UsageError("invoke takes ingest or regenerate");
    }
    if (!ctx.values.event) throw new UsageError("invoke needs --event FILE");
    const event = JSON.parse(readFileSync(ctx.values.event, "utf-8"));
    return withStore(ctx, async ({ handlers }) => {
      const result = await handlers[fn](event);
      print(ctx.io, result);
      return refusesSome(result) ? 1 : 0;
    });
  },
};

const push: Command = {
  synopsis: "push <file> [--endpoint URL]",
  summary: "push items (JSON) locally, or to a deployed stack's PushUrl",
  run: async (args, ctx) => {
    if (args.length !== 1) throw new UsageError("push takes one JSON file of items");
    const body = readFileSync(args[0]!, "utf-8");
    const { io, values } = ctx;
    /** Prints the endpoint's answer; exit 1 when it refuses or fails some of the items. */
    const answered = (status: number, text: string) => {
      io.stdout.write(`${text}\n`);
      return status < 300 && !refusesSome(jsonOrNull(text)) ? 0 : 1;
    };
    if (values.endpoint) {
      const response = await pushToEndpoint(values.endpoint, body);
      return answered(response.status, response.body);
    }
    return withStore(ctx, async ({ handlers }) => {
      const event = {
        version: "2.0",
        requestContext: { http: { method: "POST" } },
        headers: { "content-type": "application/json" },
        body,
        isBase64Encoded: false,
      };
      const response = (await handlers.ingest(event)) as { statusCode: number; body: string };
      const code = answered(response.statusCode, response.body);
      await handlers.regenerate({});
      return code;
    });
  },
};

function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const sources: Command = {
  synopsis: "sources [import FILE.opml | export]",
  summary: "the polling state of every source; add an OPML file's feeds; the sources as OPML",
  run: async (args, ctx) => {
    const [sub, ...rest] = args;
    if (sub === "import") {
      if (rest.length !== 1) throw new UsageError("sources import takes one OPML file");
      return importSources(ctx.io, ctx.values.config, rest[0]!);
    }
    if (sub === "export") {
      if (rest.length !== 0) throw new UsageError("sources export takes no arguments");
      return exportSources(ctx.io, ctx.values.config);
    }
    if (sub !== undefined) throw new UsageError(`unknown sources command "${sub}"`);
    return withStore(ctx, async ({ store, config }) => {
      const states = await readSourceStates(store.objects, config);
      ctx.io.stdout.write(`${formatSourcesTable(states, clock())}\n`);
      return 0;
    });
  },
};

const add: Command = {
  synopsis: "add <site-or-feed-url>",
  summary: "find the feed (autodiscovery on a page) and add it to the config",
  run: async (args, ctx) => {
    if (args.length !== 1) throw new UsageError("add takes one site or feed URL");
    if (!/^https?:\/\//i.test(args[0]!)) throw new UsageError("add takes an http(s) URL");
    return addSource(ctx.io, ctx.values.config, args[0]!);
  },
};

/** The one argument of `why` and `remove`. */
function entryId(command: string, args: string[]): string {
  if (args.length !== 1) throw new UsageError(`${command} takes an entry id (urn:uuid:…)`);
  return args[0]!;
}

function noEntry(log: Log, id: string): number {
  log.error(`no entry with id ${id} (cleanfeed entries lists them)`);
  return 1;
}

const why: Command = {
  synopsis: "why <entry-id>",
  summary: "why copies were merged into an entry",
  run: async (args, ctx) => {
    const id = entryId("why", args);
    return withStore(ctx, async ({ store, handlers }) => {
      const story = await readStory(store.objects, id);
      if (story === null) return noEntry(handlers.log, id);
      const s = story.value;
      print(ctx.io, {
        id: s.id,
        title: s.entry.item.title,
        url: s.entry.item.url,
        firstSeen: s.firstSeen,
        removed: s.removed,
        mergedInto: s.mergedInto,
        sources: sourceNames(s),
        keys: s.keys,
        // each merged copy by its source's name (the scope key means nothing to a person)
        merges: s.merges.map(({ source, sourceName, ...m }) => ({
          source: sourceName ?? source,
          ...m,
        })),
      });
      return 0;
    });
  },
};

const remove: Command = {
  synopsis: "remove <entry-id>",
  summary: "remove an entry for good (it never comes back)",
  run: async (args, ctx) => {
    const id = entryId("remove", args);
    return withStore(ctx, async ({ store, handlers }) => {
      if ((await resolveStory(store.objects, id)) === null) return noEntry(handlers.log, id);
      print(ctx.io, await handlers.ingest({ remove: id }));
      await handlers.regenerate({});
      return 0;
    });
  },
};

/** Every command, in the order the usage lists them. */
const COMMANDS: Record<string, Command> = {
  serve,
  ingest,
  regenerate,
  normalize,
  invoke,
  push,
  add,
  sources,
  entries,
  why,
  remove,
};

function usage(): string {
  // a synopsis that leaves less than two spaces puts its summary on the next line, aligned
  const lines = Object.values(COMMANDS).map(({ synopsis, summary }) =>
    synopsis.length <= 38
      ? `  ${synopsis.padEnd(40)}${summary}`
      : `  ${synopsis}\n${" ".repeat(42)}${summary}`,
  );
  return `usage: cleanfeed <command> [options]\n\ncommands:\n${lines.join("\n")}\n\n${OPTIONS_USAGE}`;
}

/** The flags and positionals; a flag that is wrong is a usage error. */
function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv);
  const [name, ...args] = positionals;
  if (values.help) {
    io.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === undefined) {
    io.stderr.write(`${usage()}\n`);
    return 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    throw new UsageError(`unknown command "${name}" (try cleanfeed --help)`);
  }
  // push --endpoint is the deployed stack's PushUrl, not an S3 endpoint
  if (values.endpoint && !values.bucket && name !== "push") {
    throw new UsageError("--endpoint needs --bucket NAME (the bucket on that S3 endpoint)");
  }
  return command.run(args, { values, io });
}

/**
 * Items that failed because the data folder is full or read-only (the
 * embedded S3's 507, atomic-store.ts) failed for one reason the user must fix
 * first: that reason is the line, whichever write met it first.
 */
function shown(e: Error): Error {
  const cause = e instanceof StoreFailure ? e.cause : null;
  return cause instanceof Error && cause.name.startsWith("DataFolder") ? cause : e;
}

/**
 * Runs one command line and returns its exit code. Problems a user can act on
 * end as one line on `io.stderr`; the process's own streams unless a test gives others.
 */
export async function main(
  argv: string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr, stderrIsTTY: !!process.stderr.isTTY },
): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    const message = e instanceof Error ? shown(e).message : String(e);
    io.stderr.write(`cleanfeed: ${message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
