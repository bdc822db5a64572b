/**
 * Which near-duplicate measure separates "same story" from "different
 * stories" on the labelled corpus: every pair of items, scored by each
 * measure alone and combined, with the threshold that gives the best F1 and
 * the recall per kind of edit at it. Run with `npx tsx bench/dedupe/measures.ts`.
 * This is how the matcher in functions/core/dedupe/match.ts was chosen.
 */
import { copyOf } from "../../functions/core/dedupe/facts.ts";
import { nearDuplicate } from "../../functions/core/dedupe/match.ts";
import type { TextProfile } from "../../functions/core/dedupe/profile.ts";
import { fnv1a, htmlText } from "../../functions/core/dedupe/profile.ts";
import {
  containment,
  jaccard,
  numberContainment,
  sentenceContainment,
} from "../../functions/core/dedupe/similarity.ts";
import { testConfig } from "../../tests/helpers/config.ts";
import { readCorpus } from "./corpus.ts";
import { simhash, simhashDistance } from "./simhash.ts";

const config = testConfig();
const items = readCorpus(config, "2026-06-10T00:00:00Z").map((it) => {
  const copy = copyOf(it.copy, it.source);
  const html = it.copy.item.contentHtml;
  const text = html !== null ? htmlText(html) : (it.copy.item.summary ?? "");
  return { ...it, profile: copy.profile, simhash: simhash(text), minhash: minhash(copy.profile) };
});

/** 128 MinHash values of the shingle set (seeded re-hashes of each shingle hash). */
function minhash(p: TextProfile): Uint32Array {
  const out = new Uint32Array(128).fill(0xffffffff);
  for (const s of p.shingles) {
    for (let i = 0; i < 128; i++) {
      const h = fnv1a(String(s), 0x811c9dc5 ^ Math.imul(i + 1, 0x9e3779b1));
      if (h < out[i]!) out[i] = h;
    }
  }
  return out;
}

function minhashJaccard(a: Uint32Array, b: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) n++;
  return n / a.length;
}

type Item = (typeof items)[number];
interface Pair {
  same: boolean;
  family: boolean;
  kind: string;
  a: Item;
  b: Item;
}

const pairs: Pair[] = [];
for (let i = 0; i < items.length; i++) {
  for (let j = i + 1; j < items.length; j++) {
    const a = items[i]!;
    const b = items[j]!;
    const same = a.label.story === b.label.story;
    const kind = same
      ? a.label.variant === "original"
        ? b.label.variant
        : b.label.variant === "original"
          ? a.label.variant
          : "copy-vs-copy"
      : "different";
    const family = a.label.family !== null && a.label.family === b.label.family;
    pairs.push({ same, family, kind, a, b });
  }
}

interface Method {
  name: string;
  /** Higher means more alike. */
  score: (p: Pair) => number;
}

const minWords = (p: Pair) => Math.min(p.a.profile.words, p.b.profile.words);
const methods: Method[] = [
  { name: "simhash (64 - distance)", score: (p) => 64 - simhashDistance(p.a.simhash, p.b.simhash) },
  { name: "jaccard, 4-shingles", score: (p) => jaccard(p.a.profile, p.b.profile) },
  { name: "minhash-128 jaccard", score: (p) => minhashJaccard(p.a.minhash, p.b.minhash) },
  { name: "containment, 4-shingles", score: (p) => containment(p.a.profile, p.b.profile) },
  { name: "sentence containment", score: (p) => sentenceContainment(p.a.profile, p.b.profile) },
  {
    name: "containment x number agreement",
    score: (p) =>
      containment(p.a.profile, p.b.profile) * numberContainment(p.a.profile, p.b.profile),
  },
  {
    name: "matcher (match.ts) as 0/1",
    score: (p) =>
      nearDuplicate(p.a.profile, p.b.profile, {
        nearDuplicates: true,
        minWords: config.dedupe.minWords,
      }) === null
        ? 0
        : 1,
  },
];

function evaluate(method: Method) {
  const scored = pairs.map((p) => ({ p, s: method.score(p) }));
  const thresholds = [...new Set(scored.map((x) => x.s))].sort((a, b) => a - b);
  let best = { t: 0, f1: -1, precision: 0, recall: 0 };
  const positives = scored.filter((x) => x.p.same).length;
  for (const t of thresholds) {
    let tp = 0;
    let fp = 0;
    for (const x of scored) {
      if (x.s < t) continue;
      if (x.p.same) tp++;
      else fp++;
    }
    const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
    const recall = tp / positives;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    if (f1 > best.f1) best = { t, f1, precision, recall };
  }
  const kinds = new Map<string, { n: number; hit: number }>();
  let familyFalse = 0;
  let maxNegative = Number.NEGATIVE_INFINITY;
  for (const x of scored) {
    if (x.p.same) {
      const k = kinds.get(x.p.kind) ?? { n: 0, hit: 0 };
      k.n++;
      if (x.s >= best.t) k.hit++;
      kinds.set(x.p.kind, k);
    } else {
      if (x.p.family && x.s >= best.t) familyFalse++;
      if (minWords(x.p) >= 0) maxNegative = Math.max(maxNegative, x.s);
    }
  }
  return { best, kinds, familyFalse, maxNegative };
}

console.log(
  `${items.length} items, ${pairs.filter((p) => p.same).length} same-story pairs, ${pairs.filter((p) => !p.same).length} different-story pairs (${pairs.filter((p) => p.family).length} within must-stay-separate families)\n`,
);
for (const method of methods) {
  const { best, kinds, familyFalse, maxNegative } = evaluate(method);
  console.log(
    `${method.name}: best F1 ${best.f1.toFixed(3)} at >= ${best.t.toFixed(3)}: precision ${best.precision.toFixed(3)}, recall ${best.recall.toFixed(3)}; family pairs merged ${familyFalse}; highest different-story score ${maxNegative.toFixed(3)}`,
  );
  console.log(
    `   recall by kind: ${[...kinds]
      .sort()
      .map(([k, v]) => `${k} ${(v.hit / v.n).toFixed(2)}`)
      .join(", ")}`,
  );
}

if (process.argv.includes("--misses")) {
  const opts = { nearDuplicates: true, minWords: config.dedupe.minWords };
  for (const p of pairs) {
    const hit = nearDuplicate(p.a.profile, p.b.profile, opts) !== null;
    if (hit === p.same) continue;
    console.log(
      `${p.same ? "MISS" : "FALSE"} ${p.kind} ${p.a.label.story}/${p.a.label.variant} vs ${p.b.label.story}/${p.b.label.variant}: words ${p.a.profile.words}/${p.b.profile.words} containment ${containment(p.a.profile, p.b.profile).toFixed(3)} numbers ${numberContainment(p.a.profile, p.b.profile).toFixed(3)} (${p.a.profile.numbers.length}/${p.b.profile.numbers.length})`,
    );
  }
}
