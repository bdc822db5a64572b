/**
 * A deterministic, realistic feed for benchmarks: an RSS 2.0 document whose
 * items carry article HTML with paragraphs, links with utm parameters,
 * images, a tracking pixel, a script and some pasted-twice paragraphs.
 * The same items are also available as parser output (`RawFeed`), so the
 * normalizer can be measured without the parser.
 */
import type { RawEntry, RawFeed } from "../functions/core/parse/raw.ts";

const WORDS = (
  "the a of to and in that is for on with as was by at from it his her their said " +
  "government minister city council report people year week market price company " +
  "police court decision public service health school water energy climate policy " +
  "election vote party leader president official statement plan budget project " +
  "research study data result percent million billion increase decrease change " +
  "local national international region country border talks agreement support " +
  "announced reported confirmed expected according would could should however while"
).split(" ");

/** A small seeded PRNG (mulberry32): the same feed, and the same seeded bucket, on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface BenchItem {
  title: string;
  link: string;
  guid: string;
  pubDate: string;
  author: string;
  categories: string[];
  description: string;
  contentHtml: string;
}

function sentence(rand: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)] as string);
  const s = out.join(" ");
  return `${s[0]?.toUpperCase()}${s.slice(1)}.`;
}

/**
 * How the feed's writers type: "plain" keeps the paragraphs ASCII (only the
 * excerpts' "[…]" is beyond Latin-1); "typographic" quotes every paragraph
 * in curly quotes, as many CMSs do, so that every item's content decodes to
 * two bytes a character: the harder case for memory.
 */
export type BenchTypography = "plain" | "typographic";

function paragraph(rand: () => number, i: number, typography: BenchTypography): string {
  const sentences: string[] = [];
  const n = 3 + Math.floor(rand() * 3);
  for (let k = 0; k < n; k++) sentences.push(sentence(rand, 8 + Math.floor(rand() * 12)));
  let p = sentences.join(" ");
  if (rand() < 0.5) {
    const at = p.indexOf(" ", Math.floor(p.length / 2));
    p = `${p.slice(0, at)} <a href="https://example.com/story/${i}?utm_source=rss&amp;utm_medium=feed&amp;ref=home" target="_blank">related &amp; more</a>${p.slice(at)}`;
  }
  if (rand() < 0.3) p = `<strong>${p.slice(0, 20)}</strong>${p.slice(20)}`;
  return typography === "typographic" ? `<p>\u201c${p}\u201d</p>` : `<p>${p}</p>`;
}

/** The items of the benchmark feed. */
export function generateBenchItems(
  count: number,
  typography: BenchTypography = "plain",
): BenchItem[] {
  const rand = prng(20240516);
  const items: BenchItem[] = [];
  const start = Date.UTC(2024, 4, 16, 8, 0, 0);
  for (let i = 0; i < count; i++) {
    const title = sentence(rand, 6 + Math.floor(rand() * 6)).slice(0, -1);
    const paragraphs: string[] = [];
    const n = 5 + Math.floor(rand() * 6);
    for (let k = 0; k < n; k++) paragraphs.push(paragraph(rand, i * 100 + k, typography));
    const parts = [`<h2>${title}</h2>`, ...paragraphs];
    parts.splice(
      2,
      0,
      `<figure><img src="/images/${i}.jpg?utm_campaign=x" alt="Photo ${i}" width="800" height="450"><figcaption>${sentence(rand, 8)}</figcaption></figure>`,
    );
    if (i % 3 === 0) parts.push(paragraphs[0] as string, paragraphs[1] as string); // pasted twice
    if (i % 5 === 0) parts.push(`<script>window.track(${i});</script>`);
    parts.push(
      `<div class="share"><a href="https://twitter.com/share?url=x&amp;fbclid=abc" onclick="share()">Share</a></div>`,
    );
    parts.push(`<img src="https://pixel.wp.com/b.gif?post=${i}" width="1" height="1">`);
    const pubDate = new Date(start - i * 600_000).toUTCString();
    items.push({
      title,
      link: `https://news.example.com/${2024}/${i}/story?utm_source=feed&utm_medium=rss`,
      guid: `https://news.example.com/?p=${i}`,
      pubDate,
      author: `reporter${i % 7}@news.example.com (Reporter ${i % 7})`,
      categories: [["World", "Politics", "Economy", "Climate"][i % 4] as string, "News"],
      description: `${paragraphs[0]?.replace(/<[^>]+>/g, "").slice(0, 200)} […]`,
      contentHtml: parts.join("\n"),
    });
  }
  return items;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An RSS 2.0 document with `items` items (content in content:encoded CDATA). */
export function generateBenchFeed(items: number, typography: BenchTypography = "plain"): string {
  const body = generateBenchItems(items, typography)
    .map(
      (it) => `<item>
<title>${xmlEscape(it.title)}</title>
<link>${xmlEscape(it.link)}</link>
<guid isPermaLink="true">${xmlEscape(it.guid)}</guid>
<pubDate>${it.pubDate}</pubDate>
<author>${xmlEscape(it.author)}</author>
${it.categories.map((c) => `<category>${xmlEscape(c)}</category>`).join("")}
<description>${xmlEscape(it.description)}</description>
<content:encoded><![CDATA[${it.contentHtml}]]></content:encoded>
</item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>Example News</title>
<link>https://news.example.com/</link>
<description>Benchmark feed</description>
<language>en-us</language>
${body}
</channel>
</rss>
`;
}

/** The same feed as the parser would hand it to the normalizer. */
export function generateBenchRawFeed(items: number): RawFeed {
  const entries: RawEntry[] = generateBenchItems(items).map((it) => ({
    id: it.guid,
    idIsPermalink: true,
    title: { value: it.title, type: "text" },
    links: [{ href: it.link, rel: "alternate", type: null, length: null, title: null }],
    base: null,
    language: null,
    content: { value: it.contentHtml, type: "html" },
    summary: { value: it.description, type: "html" },
    published: it.pubDate,
    updated: null,
    authors: [{ name: null, email: null, uri: null, raw: it.author }],
    categories: it.categories,
    enclosures: [],
    image: null,
  }));
  return {
    format: "rss20",
    title: { value: "Example News", type: "text" },
    siteUrl: "https://news.example.com/",
    feedUrl: null,
    base: null,
    language: "en-us",
    authors: [],
    entries,
  };
}
