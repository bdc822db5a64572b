import { describe, expect, it } from "vitest";
import { renderAtom } from "../../functions/core/render/index.ts";
import { makeEntry, makeItem, makeMeta, makePage } from "../helpers/entries.ts";

const content =
  "<p>The council approved the harbour budget on Monday after a long debate.</p><p>More follows.</p>";
const atomWith = (summary: string | null) =>
  renderAtom(
    makeMeta(),
    [makeEntry({ item: makeItem({ summary, contentHtml: content }) })],
    makePage(),
  );

describe("Atom summary", () => {
  it("is left out when it only repeats the opening of the content", () => {
    expect(atomWith("The council approved the harbour budget on Monday…")).not.toContain(
      "<summary",
    );
  });

  it("is kept when it says something the content does not begin with", () => {
    expect(atomWith("Harbour budget passes after a long night")).toContain(
      '<summary type="text">Harbour budget passes after a long night</summary>',
    );
  });
});
