/**
 * `cleanfeed entries`: the stored stories, newest first, with the ids that
 * `why` and `remove` take. Read through the store modules (the head index,
 * then each story), never through a pipeline of its own.
 */
import { mapBounded } from "../core/bounded.ts";
import { sourceNames } from "../core/dedupe/story.ts";
import { readHead } from "../store/head.ts";
import type { Objects } from "../store/objects.ts";
import { readStory } from "../store/stories.ts";
import { type Command, print, UsageError, wholeNumber, withStore } from "./command.ts";

/** The live stories of the head index, newest published first, optionally of one source. */
async function listEntries(objects: Objects, options: { limit: number; source: string | null }) {
  const { head } = await readHead(objects);
  const live = head.stories.filter((s) => !s.removed);
  const read = await mapBounded(live, 8, (s) => readStory(objects, s.id));
  const lines = read.flatMap((r) => {
    if (r.status === "rejected") throw r.reason;
    const story = r.value?.value;
    if (!story || story.removed || story.mergedInto) return [];
    const sources = sourceNames(story);
    if (options.source !== null && !sources.includes(options.source)) return [];
    const { id, entry } = story;
    // merged: the copies merged into it besides the one it shows
    return [
      {
        id,
        title: entry.item.title,
        sources,
        published: entry.published,
        merged: story.merges.length,
      },
    ];
  });
  lines.sort((a, b) =>
    a.published === b.published ? (a.id < b.id ? -1 : 1) : a.published < b.published ? 1 : -1,
  );
  return lines.slice(0, options.limit);
}

/** A table for a person: date, merged copies, sources, title, id on its own line. */
function formatEntries(lines: Awaited<ReturnType<typeof listEntries>>): string {
  if (lines.length === 0) return "no entries stored";
  return lines
    .map(
      (e) =>
        `${e.published.slice(0, 16).replace("T", " ")}  ${e.title}\n` +
        `    ${e.id}  from ${e.sources.join(", ")}` +
        (e.merged > 0 ? `  (+${e.merged} merged ${e.merged === 1 ? "copy" : "copies"})` : ""),
    )
    .join("\n");
}

export const entries: Command = {
  synopsis: "entries [--json] [--limit N] [--source NAME]",
  summary: "the stored entries, newest first, with their ids",
  run: async (args, ctx) => {
    if (args.length > 0) throw new UsageError("entries takes no arguments");
    const { limit: given = "20" } = ctx.values;
    const limit = wholeNumber("limit", given, 1, Infinity, "a whole number of at least 1");
    const source = ctx.values.source ?? null;
    return withStore(ctx, async ({ store }) => {
      const lines = await listEntries(store.objects, { limit, source });
      if (ctx.values.json) {
        for (const line of lines) print(ctx.io, line);
      } else {
        ctx.io.stdout.write(`${formatEntries(lines)}\n`);
      }
      return 0;
    });
  },
};
