/**
 * The `cleanfeed` command: a thin edge over the same handlers the Lambdas run.
 * Output a user asked for goes to stdout; progress and problems to stderr.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { copyOf } from "../core/dedupe/facts.ts";
import { FeedError } from "../core/errors.ts";
import { Invocation, normalizeInput } from "../ingest/ingest.ts";
import { readSourceStates } from "../ingest/poll.ts";
import { clock, newStoryId } from "../runtime/clock.ts";
import { DEFAULT_CONFIG_FILE } from "../runtime/config-file.ts";
import { fetchFeed } from "../sources/fetch.ts";
import { pushToEndpoint } from "../sources/push-client.ts";
import { formatSourcesTable } from "../sources/state.ts";
import { readPublic } from "../store/published.ts";
import { readStory } from "../store/stories.ts";
import { loadConfig, localHandlers, openStore } from "./runtime.ts";
import { startFeedServer } from "./serve.ts";
import { addSource, exportSources, importSources } from "./subscriptions.ts";

const USAGE = `usage: cleanfeed <command> [options]

commands:
  serve                         ingest the configured sources, publish, serve the feed, re-poll
  ingest <file|url>...          ingest feed documents into the store, then regenerate
  regenerate [--out DIR]        regenerate the published feeds (and copy them into DIR)
  normalize <file|url>          print the normalized items as JSON Lines; stores nothing
  invoke <ingest|regenerate> --event FILE   run a handler on a Lambda event JSON
  push <file> [--endpoint URL]  push items (JSON) locally, or to a deployed stack's PushUrl
  sources                       the polling state of every source
  add <site-or-feed-url>        find the feed (autodiscovery on a page) and add it to the config
  sources import FILE.opml      add every feed an OPML file lists (duplicates skipped)
  sources export                the configured feed URLs as OPML 2.0 on stdout
  why <entry-id>                why copies were merged into an entry
  remove <entry-id>             remove an entry for good (it never comes back)

options:
  --config FILE     config file (default ${DEFAULT_CONFIG_FILE})
  --data DIR        embedded S3 data folder (default .cleanfeed)
  --endpoint URL    use this S3 endpoint instead of the embedded one (with --bucket NAME)
  --bucket NAME     bucket on --endpoint
  --port N          serve: port on 127.0.0.1 (default 8787)
  --out DIR         regenerate: also write the published files here
  --event FILE      invoke: the event JSON
  --explain         normalize: also print the dedupe keys and fingerprint
  --quiet           less progress on stderr
  -h, --help        this text`;

const OPTIONS = {
  config: { type: "string", default: DEFAULT_CONFIG_FILE },
  data: { type: "string", default: ".cleanfeed" },
  endpoint: { type: "string" },
  bucket: { type: "string" },
  port: { type: "string", default: "8787" },
  out: { type: "string" },
  event: { type: "string" },
  explain: { type: "boolean", default: false },
  quiet: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

class UsageError extends Error {}

type Values = ReturnType<typeof parse>["values"];

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
}

function portOf(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number, got "${value}"`);
  }
  return port;
}

/** A document from a file or an http(s) URL, as bytes (the parser decodes them). */
/** A file the user named that is not there or not readable: their mistake, not ours. */
function isUnreadable(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === "ENOENT" || code === "EACCES" || code === "EISDIR";
}

async function readDocument(target: string) {
  if (/^https?:\/\//i.test(target)) {
    const result = await fetchFeed(
      target,
      { etag: null, lastModified: null },
      { allowLoopback: true, timeoutMs: 20_000, maxBytes: 50 << 20 },
    );
    if (result.kind !== "ok")
      throw new FeedError(target, result.kind === "error" ? result.message : "not modified");
    return {
      bytes: result.body,
      info: { source: target, documentUrl: result.url, contentType: result.contentType },
    };
  }
  return {
    bytes: new Uint8Array(readFileSync(target)),
    info: { source: basename(target), documentUrl: null, contentType: null },
  };
}

async function withStore<T>(
  values: Values,
  run: (ctx: Awaited<ReturnType<typeof open>>) => Promise<T>,
): Promise<T> {
  const ctx = await open(values);
  try {
    return await run(ctx);
  } finally {
    await ctx.store.close();
  }
}

async function open(values: Values) {
  const { config, dir } = loadConfig(values.config);
  const store = await openStore({
    data: values.data,
    endpoint: values.endpoint,
    bucket: values.bucket,
  });
  const handlers = localHandlers(store.objects, config, dir, {
    publicUrl: `http://127.0.0.1:${portOf(values.port)}/`,
    quiet: values.quiet,
  });
  return { config, dir, store, handlers };
}

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

async function serve(values: Values) {
  const { config, dir } = loadConfig(values.config);
  const store = await openStore({
    data: values.data,
    endpoint: values.endpoint,
    bucket: values.bucket,
  });
  const server = await startFeedServer(store.objects, { port: portOf(values.port) });
  const handlers = localHandlers(store.objects, config, dir, {
    publicUrl: server.url,
    quiet: values.quiet,
  });
  const cycle = async () => {
    try {
      const polled = (await handlers.ingest({
        source: "aws.scheduler",
        "detail-type": "Scheduled Event",
      })) as {
        sources: {
          source: string;
          status: string;
          error: string | null;
          report: { new: number } | null;
        }[];
      };
      for (const s of polled.sources) {
        if (s.error) handlers.log.warn(`source ${s.source}: ${s.error}`);
        else handlers.log.info(`source ${s.source}: ${s.status}, ${s.report?.new ?? 0} new`);
      }
      await handlers.regenerate({});
    } catch (e) {
      handlers.log.error(`poll failed: ${String(e)}`);
    }
  };
  await cycle();
  process.stdout.write(
    `cleanfeed is serving your feed:\n  ${server.url}feed.atom\n  (also feed.rss, feed.json)\n`,
  );
  process.stderr.write(
    `re-polling every ${config.pollIntervalMinutes} min; data in ${resolve(values.data)}; Ctrl-C to stop\n`,
  );
  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(cycle);
  }, config.pollIntervalMinutes * 60_000);
  await new Promise<void>((done) => {
    const stop = () => {
      process.stderr.write("stopping (data kept)\n");
      done();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  clearInterval(timer);
  await running;
  await server.close();
  await store.close();
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case "serve":
      await serve(values);
      return 0;
    case "ingest": {
      if (args.length === 0) throw new UsageError("ingest needs at least one file or URL");
      return withStore(values, async ({ handlers, store, config }) => {
        // one invocation for all the documents: one head commit, then one regeneration
        const invocation = new Invocation({
          objects: store.objects,
          config,
          now: clock,
          newId: newStoryId,
        });
        let failed = 0;
        for (const target of args) {
          try {
            const { bytes, info } = await readDocument(target);
            const { copies: _, ...report } = await invocation.ingest({ ...info, body: bytes });
            print(report);
          } catch (e) {
            if (!(e instanceof FeedError) && !isUnreadable(e)) throw e;
            handlers.log.error((e as Error).message);
            failed++;
          }
        }
        await invocation.commit();
        await handlers.regenerate({});
        return failed > 0 ? 1 : 0;
      });
    }
    case "regenerate":
      return withStore(values, async ({ handlers, store }) => {
        print(await handlers.regenerate({}));
        if (values.out) {
          mkdirSync(values.out, { recursive: true });
          for (const path of ["feed.atom", "feed.rss", "feed.json"]) {
            const file = await readPublic(store.objects, path);
            if (file) writeFileSync(join(values.out, path), file.value);
          }
        }
        return 0;
      });
    case "normalize": {
      if (args.length !== 1) throw new UsageError("normalize takes one file or URL");
      const { config } = loadConfig(values.config);
      const { bytes, info } = await readDocument(args[0]!);
      const { groups } = normalizeInput({ ...info, body: bytes }, config, clock());
      for (const { source, copies } of groups) {
        for (const copy of copies) {
          if (!values.explain) {
            print(copy.item);
            continue;
          }
          const facts = copyOf(copy, source);
          print({
            ...copy.item,
            explain: {
              home: facts.home,
              keys: facts.storyKeys,
              words: facts.shown.words,
              sentences: facts.profile.sentences.length,
              teaser: facts.teaser,
            },
          });
        }
      }
      return 0;
    }
    case "invoke": {
      const [fn] = args;
      if (fn !== "ingest" && fn !== "regenerate")
        throw new UsageError("invoke takes ingest or regenerate");
      if (!values.event) throw new UsageError("invoke needs --event FILE");
      const event = JSON.parse(readFileSync(values.event, "utf-8"));
      return withStore(values, async ({ handlers }) => {
        print(await handlers[fn](event));
        return 0;
      });
    }
    case "push": {
      if (args.length !== 1) throw new UsageError("push takes one JSON file of items");
      const body = readFileSync(args[0]!, "utf-8");
      if (values.endpoint) {
        const response = await pushToEndpoint(values.endpoint, body);
        process.stdout.write(`${response.body}\n`);
        return response.status < 300 ? 0 : 1;
      }
      return withStore(values, async ({ handlers }) => {
        const event = {
          version: "2.0",
          requestContext: { http: { method: "POST" } },
          headers: { "content-type": "application/json" },
          body,
          isBase64Encoded: false,
        };
        const response = (await handlers.ingest(event)) as { statusCode: number; body: string };
        process.stdout.write(`${response.body}\n`);
        await handlers.regenerate({});
        return response.statusCode < 300 ? 0 : 1;
      });
    }
    case "add":
      if (args.length !== 1) throw new UsageError("add takes one site or feed URL");
      if (!/^https?:\/\//i.test(args[0]!)) throw new UsageError("add takes an http(s) URL");
      return addSource(values.config, args[0]!);
    case "sources":
      if (args[0] === "import") {
        if (args.length !== 2) throw new UsageError("sources import takes one OPML file");
        return importSources(values.config, args[1]!);
      }
      if (args[0] === "export") {
        if (args.length !== 1) throw new UsageError("sources export takes no arguments");
        return exportSources(values.config);
      }
      if (args.length > 0) throw new UsageError(`unknown sources command "${args[0]}"`);
      return withStore(values, async ({ store, config }) => {
        const states = await readSourceStates(store.objects, config);
        process.stdout.write(`${formatSourcesTable(states, clock())}\n`);
        return 0;
      });
    case "why":
    case "remove": {
      const [id] = args;
      if (id === undefined) throw new UsageError(`${command} takes an entry id (urn:uuid:…)`);
      return withStore(values, async ({ store, handlers }) => {
        if (command === "remove") {
          print(await handlers.ingest({ remove: id }));
          await handlers.regenerate({});
          return 0;
        }
        const story = await readStory(store.objects, id);
        if (story === null) throw new UsageError(`no entry with id ${id}`);
        const s = story.value;
        print({
          id: s.id,
          title: s.entry.item.title,
          url: s.entry.item.url,
          firstSeen: s.firstSeen,
          removed: s.removed,
          mergedInto: s.mergedInto,
          keys: s.keys,
          merges: s.merges,
        });
        return 0;
      });
    }
    default:
      throw new UsageError(`unknown command "${command}" (try cleanfeed --help)`);
  }
}

export async function run(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`cleanfeed: ${message}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}
