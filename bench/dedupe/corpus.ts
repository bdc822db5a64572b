/**
 * The labelled near-duplicate corpus (tests/fixtures/dedupe-corpus), read
 * through the product's own ingest path: each outlet's feed document is
 * normalized exactly as ingest would, and each item carries its label.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../functions/core/config.ts";
import type { SourceRef } from "../../functions/core/dedupe/facts.ts";
import type { NormalizedItem } from "../../functions/core/item.ts";
import { normalizeInput } from "../../functions/ingest/ingest.ts";

export const CORPUS_DIR = new URL("../../tests/fixtures/dedupe-corpus/", import.meta.url).pathname;

export interface Label {
  feed: string;
  guid: string;
  story: string;
  variant: string;
  family: string | null;
}

export interface LabelledItem {
  label: Label;
  copy: NormalizedItem;
  source: SourceRef;
  /** The whole feed document the item came in, and its name. */
  feed: string;
}

export function readLabels(): Label[] {
  const file = JSON.parse(readFileSync(join(CORPUS_DIR, "labels.json"), "utf-8")) as {
    items: Label[];
  };
  return file.items;
}

/** Every item of the corpus, normalized as ingest does, with its label. */
export function readCorpus(config: Config, now: string): LabelledItem[] {
  const labels = readLabels();
  const byGuid = new Map(labels.map((l) => [`${l.feed}\n${l.guid}`, l]));
  const out: LabelledItem[] = [];
  for (const feed of [...new Set(labels.map((l) => l.feed))].sort()) {
    const body = new Uint8Array(readFileSync(join(CORPUS_DIR, feed)));
    const { groups } = normalizeInput({ source: feed, body }, config, now);
    for (const { source, copies } of groups) {
      for (const copy of copies) {
        const label = byGuid.get(`${feed}\n${copy.item.source.id}`);
        if (!label) throw new Error(`${feed}: item ${copy.item.source.id} has no label`);
        out.push({ label, copy, source, feed });
      }
    }
  }
  if (out.length !== labels.length) {
    throw new Error(`corpus: ${out.length} items read, ${labels.length} labelled`);
  }
  return out;
}

/** A fixed, seeded shuffle (mulberry32), so every run ingests in the same order. */
export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
