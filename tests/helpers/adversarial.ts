/**
 * Feed documents built to make an ingest big: each under the document limit
 * (10 MB), each well-formed. Used by the bounded-memory test and the bench.
 */
const item = (n: number, title: string, body: string) =>
  `<item><title>${title}</title><link>https://huge.example/${n}</link><guid>huge-${n}</guid><description>${body}</description></item>`;

const rss = (items: string[]) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title><link>https://huge.example/</link><description>d</description>${items.join("")}</channel></rss>`;

const normal = (n: number) =>
  item(n, `A normal story ${n}`, `&lt;p&gt;Just a story, number ${n}.&lt;/p&gt;`);

export const ADVERSARIAL: Record<string, () => string> = {
  /** One item whose title is 9 MB of words. */
  "9 MB title": () => rss([item(1, "word ".repeat(1_800_000), "short"), normal(2), normal(3)]),
  /** 7.5 MB of `&amp;` in one item's content (entity-decoded, then escaped again). */
  "7.5 MB of &amp;": () =>
    rss([item(1, "Ampersands", `&lt;p&gt;${"&amp;amp;".repeat(833_000)}&lt;/p&gt;`), normal(2)]),
  /** 100,000 nested elements inside one item's HTML. */
  "100k nested elements": () =>
    rss([
      item(1, "Nested", `<![CDATA[${"<div>".repeat(100_000)}deep${"</div>".repeat(100_000)}]]>`),
      normal(2),
    ]),
};
