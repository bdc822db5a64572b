/**
 * `npm run eval:dedupe`: the labelled corpus (tests/fixtures/dedupe-corpus)
 * ingested through the real store into the embedded S3, item by item in a
 * fixed shuffled order, a few items an invocation; then pairwise precision,
 * recall and F1 against the labels, recall per kind of edit, and every false
 * merge. tests/integration/dedupe-corpus.test.ts holds the floor.
 */
import { pathToFileURL } from "node:url";
import { Invocation } from "../../functions/ingest/ingest.ts";
import type { Outcome } from "../../functions/store/session.ts";
import { resolveStory } from "../../functions/store/stories.ts";
import { testConfig, testRuntime } from "../../tests/helpers/config.ts";
import { startTestStore } from "../../tests/helpers/store.ts";
import { type Label, readCorpus, shuffled } from "./corpus.ts";

/** Items per invocation: a poll stores a few new items of several outlets at once. */
const BATCH = 6;
const SEED = 20261204;

export interface CorpusResult {
  items: number;
  stories: number;
  entries: number;
  precision: number;
  recall: number;
  f1: number;
  /** Recall of pairs (original, variant) by the variant's kind. */
  recallByKind: Map<string, number>;
  falseMerges: string[];
  /** Items kept apart from the entry most of their story went to. */
  split: string[];
  /** False merges between stories of a must-stay-separate family. */
  familyMerges: number;
}

export async function evaluateCorpus(seed = SEED): Promise<CorpusResult> {
  const store = await startTestStore("eval");
  try {
    const config = testConfig();
    const rt = testRuntime("2026-06-10T00:00:00Z");
    const deps = { objects: store.objects, config, now: rt.now, newId: rt.newId };
    const items = shuffled(readCorpus(config, rt.now()), seed);
    const storyOf = new Map<Label, string>();
    for (let i = 0; i < items.length; i += BATCH) {
      const invocation = new Invocation(deps);
      const batch = items.slice(i, i + BATCH);
      const outcomes: Outcome[] = [];
      for (const item of batch) {
        const [o] = await invocation.accept([item.copy], item.source);
        if (o) outcomes.push(o);
        if (process.env.TRACE && item.label.story.startsWith(process.env.TRACE)) {
          console.log(item.label.story, item.label.variant, JSON.stringify(o));
        }
      }
      await invocation.commit();
      batch.forEach((item, k) => {
        const o = outcomes[k];
        if (!o || o.kind === "failed") throw new Error(`${item.label.guid}: not stored`);
        storyOf.set(item.label, o.id);
      });
    }
    // Stories that joined a twin at commit point to it: follow them.
    const final = new Map<Label, string>();
    for (const [label, id] of storyOf) {
      final.set(label, (await resolveStory(store.objects, id))?.value.id ?? id);
    }
    return score(
      items.map((i) => i.label),
      final,
    );
  } finally {
    await store.close();
  }
}

function score(labels: Label[], final: Map<Label, string>): CorpusResult {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let familyMerges = 0;
  const falseMerges: string[] = [];
  const kinds = new Map<string, { n: number; hit: number }>();
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i]!;
      const b = labels[j]!;
      const same = a.story === b.story;
      const merged = final.get(a) === final.get(b);
      if (same && merged) tp++;
      else if (same) fn++;
      else if (merged) {
        fp++;
        if (a.family !== null && a.family === b.family) familyMerges++;
        falseMerges.push(`${a.feed} ${a.guid} (${a.story}) + ${b.feed} ${b.guid} (${b.story})`);
      }
      if (same && (a.variant === "original") !== (b.variant === "original")) {
        const kind = a.variant === "original" ? b.variant : a.variant;
        const k = kinds.get(kind) ?? { n: 0, hit: 0 };
        k.n++;
        if (merged) k.hit++;
        kinds.set(kind, k);
      }
    }
  }
  const split: string[] = [];
  for (const story of new Set(labels.map((l) => l.story))) {
    const members = labels.filter((l) => l.story === story);
    const counts = new Map<string, number>();
    for (const l of members) counts.set(final.get(l)!, (counts.get(final.get(l)!) ?? 0) + 1);
    const main = [...counts].sort((x, y) => y[1] - x[1])[0]![0];
    for (const l of members) {
      if (final.get(l) !== main) split.push(`${l.feed} ${l.guid} (${l.story}, ${l.variant})`);
    }
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return {
    items: labels.length,
    stories: new Set(labels.map((l) => l.story)).size,
    entries: new Set(final.values()).size,
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
    recallByKind: new Map([...kinds].sort().map(([k, v]) => [k, v.hit / v.n])),
    falseMerges,
    split,
    familyMerges,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await evaluateCorpus();
  console.log(
    `dedupe corpus: ${r.items} items of ${r.stories} stories stored as ${r.entries} entries`,
  );
  console.log(
    `pairwise: precision ${r.precision.toFixed(3)}, recall ${r.recall.toFixed(3)}, F1 ${r.f1.toFixed(3)}`,
  );
  console.log("recall by kind of edit (original vs variant pairs):");
  for (const [kind, recall] of r.recallByKind)
    console.log(`  ${kind.padEnd(22)} ${recall.toFixed(3)}`);
  console.log(
    `false merges: ${r.falseMerges.length} (${r.familyMerges} within must-stay-separate families)`,
  );
  for (const f of r.falseMerges) console.log(`  ${f}`);
  console.log(`items kept apart from the rest of their story: ${r.split.length}`);
  for (const s of r.split) console.log(`  ${s}`);
}
