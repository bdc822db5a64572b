/**
 * Normalizer throughput on a generated 5,000-item feed, against
 * sanitize-html alone on the same content as a reference. Run with
 * `npx tsx bench/normalize.ts`, or call `benchNormalize()` from bench/run.ts.
 */
import { pathToFileURL } from "node:url";
import sanitizeHtml from "sanitize-html";
import { DEFAULT_IFRAME_HOSTS } from "../functions/core/config.ts";
import { normalizeFeed } from "../functions/core/normalize/index.ts";
import { generateBenchRawFeed } from "./feed-generator.ts";

const ITEMS = 5000;
const ROUNDS = 3;

/** The best of a few timed runs, in milliseconds (the first run warms the JIT). */
function best(run: () => void): number {
  run();
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    run();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

/** A sanitize-html setup comparable to our allow-list. */
const SANITIZE_HTML_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "iframe", "figure", "figcaption"],
  allowedAttributes: {
    a: ["href", "title"],
    img: ["src", "alt", "title", "width", "height"],
    iframe: ["src", "width", "height"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedIframeHostnames: DEFAULT_IFRAME_HOSTS,
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer" }) },
};

/** Prints normalize items/s, MB/s of content, peak memory and the sanitize-html ratio. */
export async function benchNormalize(): Promise<void> {
  const feed = generateBenchRawFeed(ITEMS);
  const contents = feed.entries.map((e) => e.content?.value ?? "");
  const mb = contents.reduce((n, c) => n + Buffer.byteLength(c), 0) / 1e6;
  const ctx = {
    now: "2024-05-20T12:00:00Z",
    documentUrl: "https://news.example.com/feed.xml",
    iframeHosts: DEFAULT_IFRAME_HOSTS,
  };

  let kept = 0;
  const ours = best(() => {
    kept = normalizeFeed(feed, ctx).length;
  });
  const reference = best(() => {
    for (const c of contents) sanitizeHtml(c, SANITIZE_HTML_OPTIONS);
  });
  const peakMb = process.resourceUsage().maxRSS / 1024;

  const line = (name: string, ms: number) =>
    `${name.padEnd(34)} ${(ITEMS / (ms / 1000)).toFixed(0).padStart(8)} items/s ${(mb / (ms / 1000)).toFixed(1).padStart(7)} MB/s ${ms.toFixed(0).padStart(6)} ms`;
  console.log(`normalize: ${ITEMS} items, ${mb.toFixed(1)} MB of content HTML (${kept} kept)`);
  console.log(line("normalizeFeed (full pipeline)", ours));
  console.log(line("sanitize-html only (reference)", reference));
  console.log(`normalize / sanitize-html throughput: ${(reference / ours).toFixed(2)}x`);
  console.log(`peak RSS: ${peakMb.toFixed(0)} MB`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchNormalize();
}
