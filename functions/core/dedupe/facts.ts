/**
 * From a normalized item to everything dedupe and the store need to know
 * about it (its keys, home key, text profile and sketch), and the same for a
 * stored story, including one stored before version 2.
 */
import type { Item, NormalizedItem } from "../item.ts";
import { type StoryKey, storyKeys } from "./keys.ts";
import { contentHash, htmlText, profileOfText, type TextProfile } from "./profile.ts";
import { sketchOf } from "./sketch.ts";
import type { CopyFacts, StoredStory } from "./story.ts";

/** A copy ready for matching: the facts stored about it plus its full profile. */
export interface Copy extends CopyFacts {
  profile: TextProfile;
  /** Its keys, most trusted first; `keys[0]` is its home. */
  storyKeys: StoryKey[];
}

/** The source a copy came from. */
export interface SourceRef {
  /** Scope key (keys.ts `sourceKey`): guids are only meaningful within it. */
  scope: string;
  /** For people: a config name, a file name, an outlet. */
  name: string;
}

/** The profile of an item's shown text: its sanitized HTML, else its summary. */
export function itemProfile(item: Item): TextProfile {
  const { contentHtml, summary } = item;
  return profileOfText(contentHtml !== null ? htmlText(contentHtml) : (summary ?? ""));
}

export function copyOf(normalized: NormalizedItem, source: SourceRef): Copy {
  const { item } = normalized;
  const profile = itemProfile(item);
  const keys = storyKeys(item, contentHash(item.title, profile.textHash), source.scope);
  return {
    item,
    firstSeen: normalized.firstSeen,
    source: source.scope,
    sourceName: source.name,
    home: keys[0]!.name,
    keys: keys.map((k) => k.name),
    storyKeys: keys,
    shown: { textHash: profile.textHash, words: profile.words },
    sketch: sketchOf(profile),
    teaser: profile.teaser,
    profile,
  };
}

/** A story as version 1 stored it (a SimHash fingerprint, no sketch). */
interface StoredStoryV1
  extends Omit<StoredStory, "version" | "home" | "shown" | "sketch" | "intent"> {
  version: 1;
  fingerprint: { contentHash: string; simhash: string; words: number };
}

/**
 * Reads a stored story of either version as version 2: a version 1 story gets
 * its text measures and sketch computed from its entry, and its home is the
 * most trusted key it has. Its id never changes.
 */
export function upgradeStory(stored: StoredStory | StoredStoryV1): StoredStory {
  if (stored.version === 2) return stored;
  const { fingerprint: _, version: __, ...rest } = stored;
  const profile = itemProfile(stored.entry.item);
  const rank = (k: string) => ["guid/", "url/", "content/"].findIndex((p) => k.startsWith(p));
  const home = [...stored.keys].sort((a, b) => rank(a) - rank(b))[0] ?? `content/${stored.id}`;
  return {
    ...rest,
    version: 2,
    home,
    shown: { textHash: profile.textHash, words: profile.words },
    sketch: sketchOf(profile),
    intent: null,
  };
}
