/**
 * Deciding whether an incoming copy is a story we already have: exact keys
 * that something else confirms, or a near-duplicate text. The thresholds were
 * chosen on the labelled corpus in tests/fixtures/dedupe-corpus (see
 * `npm run eval:dedupe` and the README's deduplication section).
 */
import type { Item, NearMeasure } from "../item.ts";
import type { KeyKind } from "./keys.ts";
import { urlIdentity } from "./keys.ts";
import type { TextProfile } from "./profile.ts";
import { containment, numberContainment } from "./similarity.ts";

export interface MatchOptions {
  /** False turns near-duplicate matching off (exact keys still match). */
  nearDuplicates: boolean;
  /** Both texts need at least this many words to be compared as near-duplicates. */
  minWords: number;
}

export interface NearMatch {
  measure: NearMeasure;
  score: number;
}

/** Share of the shorter text's shingles the longer must hold. */
const MIN_CONTAINMENT = 0.5;
/** Share of the numbers stated by the text stating fewer that the other must state too. */
const MIN_NUMBER_AGREEMENT = 0.6;
/**
 * Texts under `minWords` (news briefs) share stock phrases easily: they match
 * only when nearly the same text, of nearly the same length, of a few words.
 */
const SHORT_MIN_WORDS = 15;
const SHORT_CONTAINMENT = 0.8;
const SHORT_LENGTH_RATIO = 1.25;
/** An excerpt: this many words at least, and this share of it found in the full text. */
const EXCERPT_MIN_WORDS = 25;
const EXCERPT_CONTAINMENT = 0.85;

/**
 * Whether two texts tell the same story, and by which measure: containment of
 * the shorter text's 4-word shingles in the longer (what outlets add or cut
 * leaves most of the shorter text inside the longer), with the numbers both
 * state agreeing (templated stories share words and differ in numbers); or, for
 * an excerpt-only copy, nearly all of the excerpt found in the full text.
 */
export function nearDuplicate(
  a: TextProfile,
  b: TextProfile,
  options: MatchOptions,
): NearMatch | null {
  if (!options.nearDuplicates) return null;
  const [short, long] = a.words <= b.words ? [a, b] : [b, a];
  if (short.words < Math.min(options.minWords, EXCERPT_MIN_WORDS, SHORT_MIN_WORDS)) return null;
  const score = containment(short, long);
  if (numberContainment(short, long) < MIN_NUMBER_AGREEMENT) return null;
  if (short.words >= options.minWords && score >= MIN_CONTAINMENT) {
    return { measure: "containment", score: round(score) };
  }
  // Two brief items: only as good as the same text, give or take a word or two.
  const alikeInLength = long.words <= SHORT_LENGTH_RATIO * short.words;
  if (short.words >= SHORT_MIN_WORDS && alikeInLength && score >= SHORT_CONTAINMENT) {
    return { measure: "containment", score: round(score) };
  }
  const excerpt = short.teaser || short.words * 2 <= long.words;
  if (excerpt && score >= EXCERPT_CONTAINMENT) return { measure: "excerpt", score: round(score) };
  return null;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Whether an exact key match really is the same story. A content key always
 * is. A guid or a URL can lie: broken feeds give every item the same guid, or
 * link every item to their home page. So such a match is refused when nothing
 * else agrees: different URL (or guid), different title and different text.
 */
export function confirmsMatch(
  known: { item: Item; profile: TextProfile },
  copy: { item: Item; profile: TextProfile },
  kind: KeyKind,
  options: MatchOptions,
): boolean {
  if (kind === "content") return true;
  const a = known.item;
  const b = copy.item;
  const sameUrl = a.url !== null && b.url !== null && urlIdentity(a.url) === urlIdentity(b.url);
  const sameGuid = a.source.id !== null && a.source.id === b.source.id;
  const sameTitle = a.title.toLowerCase() === b.title.toLowerCase();
  // Text that is close, with a looser bound than merging strangers: this is a
  // copy we already have a key for, edited by its own publisher.
  const longEnough = Math.min(known.profile.words, copy.profile.words) >= options.minWords;
  const similarText =
    known.profile.textHash === copy.profile.textHash ||
    (longEnough && containment(known.profile, copy.profile) >= 0.3);
  if (kind === "guid") return sameUrl || sameTitle || similarText;
  return sameGuid || sameTitle || similarText;
}

/**
 * Which stories share sentences with a text: the near-duplicate matcher's
 * candidates, so that a lookup compares a handful of stories, never the whole
 * window. Sentences are hashed (profile.ts); a story stands for all its
 * copies through its sketch (story.ts `sig`).
 */
export class SentenceIndex {
  private readonly bySentence = new Map<number, Set<string>>();

  /** Hashes are compared on their low 24 bits, as the head index keeps them. */
  add(id: string, sig: readonly number[]): void {
    for (const full of sig) {
      const h = full & 0xffffff;
      this.bySentence.set(h, (this.bySentence.get(h) ?? new Set()).add(id));
    }
  }

  /** Stories sharing at least one sentence, most shared first (ties: first added). */
  candidates(sentences: readonly number[], limit: number): string[] {
    const shared = new Map<string, number>();
    for (const h of new Set(sentences.map((x) => x & 0xffffff))) {
      for (const id of this.bySentence.get(h) ?? []) shared.set(id, (shared.get(id) ?? 0) + 1);
    }
    return [...shared]
      .sort((x, y) => y[1] - x[1])
      .slice(0, limit)
      .map(([id]) => id);
  }
}
