/**
 * How the near-duplicate matcher reads a text (core/dedupe/profile.ts):
 * copies that differ only in markup, spacing, tracking or a dateline read
 * alike; the paragraphs normalization dropped are not counted; values are
 * pinned, so a change of reading shows as a failing test.
 */
import { describe, expect, it } from "vitest";
import { copyOf } from "../../functions/core/dedupe/facts.ts";
import { htmlText, profileOfText } from "../../functions/core/dedupe/profile.ts";
import { normalizeEntry } from "../../functions/core/normalize/index.ts";
import type { RawEntry } from "../../functions/core/parse/raw.ts";
import { rawEntry, rawFeed, text } from "../helpers/raw.ts";

const CTX = { now: "2024-05-20T12:00:00Z", documentUrl: null, iframeHosts: [] };
const source = { scope: "s", name: "outlet" };

function copy(entry: Partial<RawEntry>) {
  const e = rawEntry({ title: text("A title", "text"), ...entry });
  return copyOf(normalizeEntry(e, rawFeed([e]), CTX), source);
}

describe("text profile", () => {
  it("reads copies that differ only in markup, spacing and scripts alike", () => {
    const a = copy({ content: text("<p>Same story text here.</p><p>Same story text here.</p>") });
    const b = copy({
      content: text("<div>Same   story text <b>here</b>.</div><script>x()</script>"),
    });
    expect(b.profile).toEqual(a.profile);
    expect(a.profile.words).toBe(4);
  });

  it("pins its values: words, shingles, sentences, numbers and the text hash", () => {
    const p = profileOfText(
      "KESSLER (Wire) - Residents evacuated after a fire returned home on Wednesday. The blaze burned for 20 hours.\nCrews stay until 1,000 checks are done.",
    );
    expect(p.words).toBe(22); // the dateline is not the story
    expect(p.shingles.length).toBe(19);
    expect(p.sentences).toEqual([3257159022, 1002570188, 2943653182]);
    expect(p.lead).toEqual([1092728157, 890840192]);
    expect(p.numbers).toEqual(["1000", "20"]);
    expect(p.teaser).toBe(false);
    expect(p.textHash).toBe("56d7d64d96ce8d9a0b2642c122487c40dc062071b6da13b835b317e0ba8e8556");
  });

  it("leaves the paragraphs normalization dropped out of the words counted", () => {
    const once = copy({ content: text("<p>Alpha beta gamma delta.</p><p>Epsilon zeta eta.</p>") });
    const twice = copy({
      content: text(
        "<p>Alpha beta gamma delta.</p><p>Epsilon zeta eta.</p><p>Alpha beta gamma delta.</p>",
      ),
    });
    expect(twice.shown.words).toBe(7);
    expect(twice.profile).toEqual(once.profile);
  });

  it("counts words of any script, not entities or markup", () => {
    const c = copy({
      content: text(
        "<p>Caf&eacute;&nbsp;au   lait</p><p>Tom&amp;Jerry<br>next</p>loose <b>bo</b>ld",
      ),
    });
    expect(c.shown.words).toBe(8);
  });

  it("reads a dateline the same as none, and a teaser as one", () => {
    const plain = profileOfText("Residents evacuated after a fire were allowed home on Wednesday.");
    for (const dateline of [
      "KESSLER, March 11 (Meridian Press) - ",
      "ANKARA (Reuters) — ",
      "LONDON — ",
    ]) {
      expect(
        profileOfText(
          `${dateline}${"Residents evacuated after a fire were allowed home on Wednesday."}`,
        ).sentences,
      ).toEqual(plain.sentences);
    }
    expect(profileOfText("I - want to say this is fine.").words).toBe(7);
    expect(profileOfText("The start of a longer story that goes on […]").teaser).toBe(true);
  });

  it("gives the content key to title and words, not to markup", () => {
    const a = copy({ content: text("<p>Story.</p>") });
    expect(copy({ content: text("<div>Story.</div>") }).keys).toEqual(a.keys);
    expect(copy({ title: text("Other", "text"), content: text("<p>Story.</p>") }).keys).not.toEqual(
      a.keys,
    );
    expect(htmlText("<p>a</p><p>b</p>").split("\n").filter(Boolean)).toEqual(["a", "b"]);
  });
});
