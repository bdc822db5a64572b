/**
 * `cleanfeed serve` (what `npm start` runs): ingest the configured sources,
 * publish, serve the feed on 127.0.0.1 and re-poll until Ctrl-C.
 *
 * A start-up error ends it with one line naming the flag that fixes it, and
 * with everything it started stopped: an embedded S3 left listening would
 * keep the process alive.
 */
import { createServer } from "node:net";
import { resolve } from "node:path";
import type { PollSummary } from "../ingest/dispatch.ts";
import { type Command, type CommandContext, openFlags } from "./command.ts";
import { describeHolder } from "./data-folder-errors.ts";
import { type FeedServer, startFeedServer } from "./serve.ts";

/** A port near `port` that is free right now (the next one if none of the few tried is). */
async function freePortNear(port: number): Promise<number> {
  for (let p = port + 1; p <= Math.min(port + 20, 65535); p++) {
    const free = await new Promise<boolean>((done) => {
      const probe = createServer();
      probe.once("error", () => done(false));
      probe.listen(p, "127.0.0.1", () => probe.close(() => done(true)));
    });
    if (free) return p;
  }
  return port < 65535 ? port + 1 : 8787;
}

/** Why the feed server could not listen, as one line with the flag that fixes it. */
async function listenProblem(error: unknown, port: number): Promise<Error> {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const other = await freePortNear(port);
  const fix = `try --port ${other} (npm start -- --port ${other})`;
  if (code === "EADDRINUSE") return new Error(`port ${port} is in use: ${fix}`);
  if (code === "EACCES") return new Error(`port ${port} is not allowed for this user: ${fix}`);
  return new Error(`cannot listen on 127.0.0.1:${port} (${String(error)}): ${fix}`);
}

async function run(_args: string[], ctx: CommandContext): Promise<number> {
  const { values, io } = ctx;
  const { port, config, store, handlersAt } = await openFlags(ctx);
  let server: FeedServer | null = null;
  try {
    if (store.servedBy !== null) {
      throw new Error(
        `the data folder ${values.data} is already served by ${describeHolder(store.servedBy)}: ` +
          "stop that one, or serve another folder with --data DIR",
      );
    }
    try {
      server = await startFeedServer(store.objects, port);
    } catch (e) {
      throw await listenProblem(e, port);
    }
    store.announceFeed(server.url);
    const handlers = handlersAt(server.url);
    const cycle = async () => {
      try {
        const polled = (await handlers.ingest({
          source: "aws.scheduler",
          "detail-type": "Scheduled Event",
        })) as { sources: PollSummary[] };
        for (const s of polled.sources) {
          if (s.error) handlers.log.warn(`source ${s.source}: ${s.error}`);
          // on a terminal, progress showed each source as it finished
          else if (!handlers.deps.progress) {
            handlers.log.info(`source ${s.source}: ${s.status}, ${s.report?.new ?? 0} new`);
          }
        }
        await handlers.regenerate({});
      } catch (e) {
        handlers.log.error(`poll failed: ${String(e)}`);
      }
    };
    await cycle();
    io.stdout.write(
      `cleanfeed is serving your feed:\n  ${server.url}feed.atom\n  (also feed.rss, feed.json)\n`,
    );
    io.stderr.write(
      `re-polling every ${config.pollIntervalMinutes} min; data in ${resolve(values.data)}; Ctrl-C to stop\n`,
    );
    let running = Promise.resolve();
    const timer = setInterval(() => {
      running = running.then(cycle);
    }, config.pollIntervalMinutes * 60_000);
    await new Promise<void>((done) => {
      const stop = () => {
        io.stderr.write("stopping (data kept)\n");
        done();
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    clearInterval(timer);
    await running;
    return 0;
  } finally {
    await server?.close();
    await store.close();
  }
}

export const serve: Command = {
  synopsis: "serve",
  summary: "ingest the configured sources, publish, serve the feed, re-poll",
  run,
};
