/**
 * Rendering the published feeds: `Entry[]` in, one Atom, RSS 2.0 or JSON
 * Feed 1.1 document out, byte-identical for the same input. The `check*`
 * functions are the pure gate the regenerate step runs before publishing.
 */
export { renderAtom } from "./atom.ts";
export { checkAtom } from "./checkAtom.ts";
export { checkJsonFeed } from "./checkJsonFeed.ts";
export { checkRss } from "./checkRss.ts";
export { renderJsonFeed } from "./jsonFeed.ts";
export type { PageLinks } from "./page.ts";
export { renderRss } from "./rss.ts";
export { FEED_STYLESHEET } from "./stylesheet.ts";
