import { describe, expect, it } from "vitest";
import { DEFAULT_IFRAME_HOSTS, parseConfig } from "../../functions/core/config.ts";
import { ConfigError } from "../../functions/core/errors.ts";

const ID = "urn:uuid:6f1d2c3e-8b4a-4f0e-9a57-3c2d1e0f9b8a";
const minimal = { feed: { id: ID, author: { name: "A" } } };
/** The minimal config with `section` replaced by `minimal[section]` merged with `value`. */
const withSection = (section: string, value: unknown) => ({
  ...minimal,
  [section]:
    section === "feed"
      ? { ...minimal.feed, ...(value as object) }
      : (value as Record<string, unknown>),
});

const messageOf = (value: unknown) => {
  try {
    parseConfig(value);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("parseConfig accepted it");
};

describe("parseConfig", () => {
  it("fills every default around the two required settings", () => {
    expect(parseConfig(minimal)).toEqual({
      feed: {
        title: "cleanfeed",
        subtitle: null,
        id: ID,
        author: { name: "A", email: null, uri: null },
        siteUrl: null,
        language: null,
        windowSize: 50,
        hubUrl: null,
        publicUrl: null,
      },
      sources: [],
      pollIntervalMinutes: 15,
      dedupe: { nearDuplicates: true, minWords: 40, recentWindow: 2000 },
      limits: {
        maxDocumentBytes: 10 << 20,
        maxItemsPerDocument: 5000,
        fetchTimeoutMs: 15000,
        pollConcurrency: 8,
        sourcesPerShard: 200,
      },
      content: { iframeHosts: DEFAULT_IFRAME_HOSTS, iframes: "link" },
      deploy: {
        stackName: "Cleanfeed",
        alarmEmail: null,
        domainName: null,
        certificateArn: null,
        staleFeedHours: 6,
        logRetentionDays: 30,
        removalPolicy: "retain",
      },
    });
  });

  it("trims strings, normalizes URLs, keeps urn:uuid and tag: ids, accepts $schema", () => {
    const config = parseConfig({
      $schema: "./cleanfeed.schema.json",
      feed: {
        id: "tag:example.org,2024:feed",
        title: "  News  ",
        author: { name: "A", uri: "https://a.example" },
        siteUrl: "https://example.org",
      },
      sources: [
        { name: " one ", url: "https://example.org/a b.xml" },
        { name: "two", path: "feeds/two.xml" },
      ],
      deploy: { removalPolicy: "destroy", alarmEmail: "ops@example.org" },
    });
    expect(config).not.toHaveProperty("$schema");
    expect(config.feed).toMatchObject({
      id: "tag:example.org,2024:feed",
      title: "News",
      author: { uri: "https://a.example/" },
      siteUrl: "https://example.org/",
    });
    expect(config.sources).toEqual([
      { name: "one", url: "https://example.org/a%20b.xml", path: null },
      { name: "two", url: null, path: "feeds/two.xml" },
    ]);
    expect(config.deploy.removalPolicy).toBe("destroy");
    expect(parseConfig(withSection("feed", { id: "https://example.org/feed" })).feed.id).toBe(
      "https://example.org/feed",
    );
  });

  it.each([
    [null, "config (root): must be a JSON object"],
    [[], "config (root): must be a JSON object"],
    [{ ...minimal, version: 1 }, "config version: is not a known setting"],
    // an unknown key is named first: a typo is the likeliest cause of what follows
    [{ version: 1 }, "config version: is not a known setting"],
    [{}, "config feed.id: is required"],
    [{ feed: { id: ID } }, "config feed.author.name: is required"],
    [withSection("feed", { author: null }), "config feed.author: must be an object with a name"],
    [
      withSection("feed", { author: { name: " " } }),
      "config feed.author.name: must be a non-empty string",
    ],
    [
      withSection("feed", { author: { name: "A", emial: "a@b" } }),
      "config feed.author.emial: is not a known setting",
    ],
    [
      withSection("feed", { id: "feeds/x" }),
      'config feed.id: must be an absolute URL, got "feeds/x"',
    ],
    [
      withSection("feed", { id: "ftp://x.example/feed" }),
      "config feed.id: must be an http or https URL",
    ],
    [withSection("feed", { title: 3 }), "config feed.title: must be a non-empty string"],
    [
      withSection("feed", { language: "english" }),
      'config feed.language: must be a language tag such as "en", got "english"',
    ],
    [
      withSection("feed", { windowSize: 0 }),
      "config feed.windowSize: must be a whole number from 1 to 1000",
    ],
    [
      withSection("feed", { windowSize: null }),
      "config feed.windowSize: must be a whole number from 1 to 1000",
    ],
    [withSection("feed", { windwSize: 5 }), "config feed.windwSize: is not a known setting"],
    [{ ...minimal, feed: 3 }, "config feed: must be an object"],
    [{ ...minimal, sources: {} }, "config sources: must be an array"],
    [{ ...minimal, sources: [null] }, "config sources[0]: must be an object with name and url"],
    [
      {
        ...minimal,
        sources: [
          { name: "a", path: "a" },
          { name: "b", url: "feeds/x" },
        ],
      },
      'config sources[1].url: must be an absolute URL, got "feeds/x"',
    ],
    [
      { ...minimal, sources: [{ url: "https://a.example/" }] },
      "config sources[0].name: is required",
    ],
    [
      { ...minimal, sources: [{ name: "a" }] },
      "config sources[0]: needs exactly one of url and path",
    ],
    [
      { ...minimal, sources: [{ name: "a", url: "https://a.example/", path: "a" }] },
      "config sources[0]: needs exactly one of url and path",
    ],
    [
      { ...minimal, sources: [{ name: "a", path: "a", file: "a" }] },
      "config sources[0].file: is not a known setting",
    ],
    [
      {
        ...minimal,
        sources: [
          { name: "a", path: "a" },
          { name: "a", path: "b" },
        ],
      },
      'config sources[1].name: "a" is used twice',
    ],
    [
      { ...minimal, pollIntervalMinutes: 0 },
      "config pollIntervalMinutes: must be a whole number from 1 to 1440",
    ],
    [withSection("dedupe", null), "config dedupe: must be an object"],
    [
      withSection("dedupe", { nearDuplicates: "yes" }),
      "config dedupe.nearDuplicates: must be true or false",
    ],
    [
      withSection("limits", { maxDocumentBytes: 1.5 }),
      "config limits.maxDocumentBytes: must be a whole number from 1024 to 104857600",
    ],
    [
      withSection("content", { iframeHosts: ["a", 1] }),
      "config content.iframeHosts: must be an array of host names",
    ],
    [
      withSection("deploy", { removalPolicy: "maybe" }),
      'config deploy.removalPolicy: must be "retain" or "destroy"',
    ],
    [
      withSection("deploy", { stackName: "my_feed" }),
      "config deploy.stackName: must be 1 to 40 letters, digits or hyphens, starting with a letter",
    ],
    [
      withSection("deploy", { alarmEmail: "nope" }),
      'config deploy.alarmEmail: "nope" is not an email address',
    ],
    [
      withSection("deploy", { certificateArn: "" }),
      "config deploy.certificateArn: must be a non-empty string",
    ],
  ])("refuses %j naming the key", (value, message) => {
    expect(messageOf(value)).toBe(message);
  });

  it("says what is wrong in its own words for every setting, never the library's", () => {
    const full = parseConfig(minimal) as unknown as Record<string, Record<string, unknown>>;
    for (const [section, settings] of Object.entries(full)) {
      if (typeof settings !== "object" || Array.isArray(settings)) continue;
      for (const key of Object.keys(settings)) {
        const flag = typeof settings[key] === "boolean";
        for (const bad of [{}, [{}], flag ? "yes" : true]) {
          expect(messageOf(withSection(section, { [key]: bad }))).toMatch(
            new RegExp(`^config ${section}\\.${key}(\\.\\w+)?: (must|is) `),
          );
        }
      }
    }
  });
});
