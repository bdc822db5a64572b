/**
 * The bounded sketch that stands for a story (all its copies) in the head
 * index: the near-duplicate matcher's candidates are the stories whose sketch
 * shares a hash with an incoming text's sentences or first shingles.
 *
 * - `lead`: each copy's first shingles and first sentences, where an excerpt
 *   and its full text meet (an excerpt may end before its second sentence);
 * - `sample`: the smallest sentence hashes over every copy (a bottom-k
 *   sample: the sample of a union is the sample of the samples, so it stays
 *   exact as copies are merged, in any order).
 */
import type { TextProfile } from "./profile.ts";

export interface Sketch {
  lead: number[];
  sample: number[];
}

const LEAD_SENTENCES = 4;
/** Sentence hashes sampled per story: every sentence of most articles (20–30 sentences). */
const SAMPLE = 32;
/** Lead hashes kept per story: the leads of about ten differently edited copies. */
const MAX_LEAD = 48;

export function sketchOf(profile: TextProfile): Sketch {
  return {
    lead: [...new Set([...profile.lead, ...profile.sentences.slice(0, LEAD_SENTENCES)])],
    sample: smallest(profile.sentences),
  };
}

function smallest(hashes: readonly number[]): number[] {
  return [...new Set(hashes)].sort((a, b) => a - b).slice(0, SAMPLE);
}

export function mergeSketches(a: Sketch, b: Sketch): Sketch {
  return {
    lead: [...new Set([...a.lead, ...b.lead])].slice(0, MAX_LEAD),
    sample: smallest([...a.sample, ...b.sample]),
  };
}

export function sameSketch(a: Sketch, b: Sketch): boolean {
  return a.lead.join() === b.lead.join() && a.sample.join() === b.sample.join();
}

/** Every hash of a sketch, each once: what the head index holds. */
export function sketchHashes(s: Sketch): number[] {
  return [...new Set([...s.lead, ...s.sample])];
}

/** What a text is looked up by: its sentences and first shingles. */
export function lookupHashes(profile: TextProfile): number[] {
  return [...profile.lead, ...profile.sentences];
}
