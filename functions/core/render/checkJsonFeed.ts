/** The last look before the JSON Feed 1.1 alternate is published. */
import { isObject } from "../json.ts";
import { repeatChecker } from "./checkParts.ts";
import { isRfc3339 } from "./dates.ts";
import { isAbsoluteIri } from "./iri.ts";
import { JSON_FEED_VERSION } from "./jsonFeed.ts";
import { findForbiddenCharacter } from "./xmlText.ts";

/** Problems with a JSON Feed 1.1 document, in human words; [] when it is fine to publish. */
export function checkJsonFeed(json: string): string[] {
  let feed: unknown;
  try {
    feed = JSON.parse(json);
  } catch (e) {
    return [`not valid JSON: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  walkStrings(feed, "feed", problems);
  if (!isObject(feed)) return [...problems, "the document is not a JSON object"];
  if (feed.version !== JSON_FEED_VERSION) problems.push(`version is not ${JSON_FEED_VERSION}`);
  if (typeof feed.title !== "string" || feed.title.trim() === "")
    problems.push("feed has no title");
  for (const key of ["home_page_url", "feed_url"]) checkUrl(feed[key], `feed ${key}`, problems);
  checkAuthors(feed.authors, "feed", problems);
  if (!Array.isArray(feed.items)) return [...problems, "feed has no items array"];

  const checkRepeat = repeatChecker("id", "item");
  feed.items.forEach((item: unknown, i: number) => {
    const at = `item ${i + 1}`;
    if (!isObject(item)) {
      problems.push(`${at} is not an object`);
      return;
    }
    if (typeof item.id !== "string" || item.id === "") problems.push(`${at} has no id`);
    else checkRepeat(item.id, i + 1, at, problems);
    checkUrl(item.url, `${at} url`, problems);
    checkUrl(item.external_url, `${at} external_url`, problems);
    if (typeof item.content_html !== "string" && typeof item.content_text !== "string") {
      problems.push(`${at} has neither content_html nor content_text`);
    }
    for (const key of ["date_published", "date_modified"]) {
      const v = item[key];
      if (v !== undefined && (typeof v !== "string" || !isRfc3339(v))) {
        problems.push(`${at} ${key} is not an RFC 3339 date`);
      }
    }
    if (
      typeof item.date_published === "string" &&
      typeof item.date_modified === "string" &&
      Date.parse(item.date_modified) < Date.parse(item.date_published)
    ) {
      problems.push(`${at} is modified before it was published`);
    }
    checkAuthors(item.authors, at, problems);
    if (
      item.tags !== undefined &&
      !(Array.isArray(item.tags) && item.tags.every((t) => typeof t === "string" && t !== ""))
    ) {
      problems.push(`${at} tags must be non-empty strings`);
    }
    if (item.attachments !== undefined) {
      if (!Array.isArray(item.attachments)) problems.push(`${at} attachments is not an array`);
      else
        for (const a of item.attachments) {
          if (!isObject(a) || typeof a.mime_type !== "string" || !/.+\/.+/.test(a.mime_type)) {
            problems.push(`${at} has an attachment without a mime_type`);
          }
          if (!isObject(a) || typeof a.url !== "string")
            problems.push(`${at} has an attachment without a url`);
          else checkUrl(a.url, `${at} attachment url`, problems);
        }
    }
  });
  return problems;
}

function checkUrl(v: unknown, where: string, problems: string[]): void {
  if (v === undefined) return;
  if (typeof v !== "string" || !isAbsoluteIri(v)) problems.push(`${where} is not an absolute URL`);
}

function checkAuthors(v: unknown, where: string, problems: string[]): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) {
    problems.push(`${where} authors is not an array`);
    return;
  }
  for (const a of v) {
    const ok =
      isObject(a) && ["name", "url", "avatar"].some((k) => typeof a[k] === "string" && a[k] !== "");
    if (!ok) problems.push(`${where} has an author with no name, url or avatar`);
  }
}

/** Every string must be free of characters readers cannot show (lone surrogates included). */
function walkStrings(v: unknown, where: string, problems: string[]): void {
  if (typeof v === "string") {
    const bad = findForbiddenCharacter(v);
    if (bad !== null) problems.push(`${where} ${bad}`);
    return;
  }
  const entries: [string, unknown][] = Array.isArray(v)
    ? v.map((x, i) => [`[${i}]`, x])
    : isObject(v)
      ? Object.entries(v).map(([k, x]) => [`.${k}`, x])
      : [];
  for (const [key, x] of entries) walkStrings(x, `${where}${key}`, problems);
}
