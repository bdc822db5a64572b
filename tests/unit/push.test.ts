import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  FeedLimitError,
  FeedParseError,
  ItemValidationError,
} from "../../functions/core/errors.ts";
import { PUSH_LIMITS, type PushedBatch, parsePushedItems } from "../../functions/core/push.ts";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/push/${name}`, import.meta.url), "utf8"));
/** Every valid item of a batch, whatever outlet it names. */
const entries = (batch: PushedBatch) => batch.feeds.flatMap((f) => f.entries);

describe("parsePushedItems", () => {
  it("maps a full item to a RawEntry of format push", () => {
    const batch = parsePushedItems(fixture("batch.json"), "push:test");
    const { feeds, errors } = batch;
    expect(feeds.map((f) => f.format)).toEqual(["push", "push"]);
    expect(entries(batch)).toHaveLength(2);
    const [first, second] = entries(batch);
    expect(first).toEqual({
      id: "tag:news.example,2024:talks-1",
      idIsPermalink: null,
      title: { value: "Talks in Istanbul end without a ceasefire", type: "text" },
      links: [
        {
          href: "https://news.example/2024/05/16/talks?utm_source=push",
          rel: "alternate",
          type: null,
          length: null,
          title: null,
        },
      ],
      base: null,
      language: "en",
      content: { value: "<p>Delegations met for <b>an hour</b>.</p>", type: "html" },
      summary: { value: "Delegations met for an hour.", type: "text" },
      published: "2024-05-16T08:00:00Z",
      updated: null,
      authors: [
        { name: "Ayşe Yılmaz", email: null, uri: null, raw: null },
        { name: "Jo Doe", email: "jo@news.example", uri: null, raw: null },
      ],
      categories: ["world", "diplomacy"],
      enclosures: [],
      image: null,
    });
    // The bad item in the middle is reported by position (from 1) and field;
    // the third still goes in.
    expect(errors.map((e) => e.message)).toEqual(["item 2: url: must be an absolute http(s) URL"]);
    expect(errors[0]).toBeInstanceOf(ItemValidationError);
    expect(errors[0]).toMatchObject({ field: "url", index: 2 });
    expect(second?.title?.value).toBe("Prisoner swap agreed");
    expect(second?.content?.type).toBe("text");
    // Two different outlets (one named, one not): one feed per outlet.
    expect(feeds.map((f) => [f.title?.value ?? null, f.siteUrl, f.entries.length])).toEqual([
      ["News Example", "https://news.example/", 1],
      [null, null, 1],
    ]);
  });

  it("turns the Istanbul article, pushed as plain-text content, into a text entry", () => {
    const article = readFileSync(
      new URL("../fixtures/samples/istanbul-talks.txt", import.meta.url),
      "utf8",
    );
    const batch = parsePushedItems(
      {
        title: "Stalemate Continues: Ukraine and Russia Fail to Reach Peace Amid Talks",
        content: article,
        url: "https://news.example/istanbul",
      },
      "push:test",
    );
    expect(batch.errors).toEqual([]);
    expect(entries(batch)).toHaveLength(1);
    expect(entries(batch)[0]?.content).toEqual({ value: article, type: "text" });
    expect(entries(batch)[0]?.content?.value).toContain("“unconditional ceasefire,”");
  });

  it("accepts a single object, an array and {items}", () => {
    const item = { title: "Hello" };
    expect(entries(parsePushedItems(item, "s"))).toHaveLength(1);
    expect(entries(parsePushedItems([item, item], "s"))).toHaveLength(2);
    expect(entries(parsePushedItems({ items: [item, item, item] }, "s"))).toHaveLength(3);
  });

  it("gives each outlet its own feed, in first-seen order, whatever the item order", () => {
    const wire = { title: "Wire", url: "https://wire.example" };
    const desk = { title: "Desk", url: "https://desk.example/" };
    const { feeds } = parsePushedItems(
      [
        { title: "a", source: wire },
        { title: "b", source: desk },
        { title: "c", source: { ...wire, url: "https://wire.example/" } },
      ],
      "s",
    );
    expect(
      feeds.map((f) => [f.title?.value, f.siteUrl, f.entries.map((e) => e.title?.value)]),
    ).toEqual([
      ["Wire", "https://wire.example/", ["a", "c"]],
      ["Desk", "https://desk.example/", ["b"]],
    ]);
  });

  it.each([
    [{ url: "ftp://x.example/a" }, "item 1: url: must be an absolute http(s) URL"],
    [{ url: "/relative" }, "item 1: url: must be an absolute http(s) URL"],
    [
      { summary: "only a summary" },
      "item 1: title: an item needs at least one of title, content, contentHtml and url",
    ],
    [{ title: 42 }, "item 1: title: must be a string, got a number"],
    [{ title: "x".repeat(1001) }, "item 1: title: must be at most 1000 characters, got 1001"],
    [{ title: "t", contnet: "typo" }, "item 1: contnet: is not a known field"],
    [
      { title: "t", content: "a", contentHtml: "<p>b</p>" },
      "item 1: contentHtml: give either content",
    ],
    [
      { title: "t", published: "last tuesday" },
      'item 1: published: must be a date such as "2024-05-16T08:00:00Z"',
    ],
    [{ title: "t", language: "english please" }, "item 1: language: must be a language tag"],
    [{ title: "t", authors: "Jo" }, "item 1: authors: must be an array"],
    [
      { title: "t", authors: [{ name: "Jo", url: "javascript:alert(1)" }] },
      "item 1: authors[0].url: must be an absolute http(s) URL",
    ],
    [{ title: "t", authors: [{ mail: "jo@x" }] }, "item 1: authors[0].mail: is not a known field"],
    [
      { title: "t", categories: ["ok", 3] },
      "item 1: categories[1]: must be a string, got a number",
    ],
    [
      { title: "t", source: { title: "S", url: "data:text/html,x" } },
      "item 1: source.url: must be an absolute http(s) URL",
    ],
    [{ title: "t", id: 7 }, "item 1: id: must be a string, got a number"],
    ["just a string", "item 1: (item): must be an object, got a string"],
  ])("rejects %j with a message naming the field", (item, message) => {
    const batch = parsePushedItems([item], "s");
    const { errors } = batch;
    expect(entries(batch)).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message.startsWith(message)).toBe(true);
  });

  it("says what is wrong in its own words for every field, never the library's", () => {
    const fields = ["id", "url", "title", "content", "contentHtml", "summary", "published"];
    fields.push("updated", "authors", "categories", "language", "source");
    for (const field of fields) {
      for (const bad of [{}, [{}], [[]], true, 42]) {
        for (const { message } of parsePushedItems([{ title: "t", [field]: bad }], "s").errors) {
          expect(message).toMatch(new RegExp(`^item 1: ${field}(\\S*): (must|needs|is) `));
        }
      }
    }
  });

  it("treats null and blank fields as not given", () => {
    const batch = parsePushedItems({ title: "t", url: null, summary: "  ", authors: null }, "s");
    expect(batch.errors).toEqual([]);
    expect(entries(batch)[0]).toMatchObject({ links: [], summary: null, authors: [] });
  });

  it("rejects content over 1 MB of UTF-8 but keeps the rest of the batch", () => {
    const big = "é".repeat(PUSH_LIMITS.contentBytes / 2 + 1); // 2 bytes each
    const batch = parsePushedItems([{ title: "ok" }, { title: "big", content: big }], "s");
    expect(entries(batch).map((e) => e.title?.value)).toEqual(["ok"]);
    expect(batch.errors[0]?.message).toBe(
      `item 2: content: must be at most 1048576 bytes, got ${PUSH_LIMITS.contentBytes + 2}`,
    );
  });

  it("refuses a push of more than 1000 items as a whole", () => {
    const items = Array.from({ length: 1001 }, (_, i) => ({ title: `n${i}` }));
    expect(() => parsePushedItems(items, "push:big")).toThrow(FeedLimitError);
    expect(() => parsePushedItems(items, "push:big")).toThrow(
      "push:big: exceeds the items limit of 1000",
    );
    expect(entries(parsePushedItems(items.slice(0, 1000), "s"))).toHaveLength(1000);
  });

  it("refuses bodies that are not a push at all", () => {
    expect(() => parsePushedItems(42, "push:x")).toThrow(FeedParseError);
    expect(() => parsePushedItems({ items: "nope" }, "push:x")).toThrow('"items" must be an array');
  });
});
