/** The last look before the RSS 2.0 alternate is published. */
import { openXml, repeatChecker } from "./checkParts.ts";
import { isAbsoluteIri } from "./iri.ts";
import { attr, child, children, text } from "./xmlTree.ts";

/** Problems with an RSS 2.0 document, in human words; [] when it is fine to publish. */
export function checkRss(xml: string): string[] {
  const { problems, root: rss } = openXml(xml, "rss");
  if (rss === null) return problems;
  if (attr(rss, "version") !== "2.0") problems.push('<rss> is not version="2.0"');
  const channels = children(rss, "channel");
  const channel = channels[0];
  if (channel === undefined || channels.length > 1)
    return [...problems, "<rss> must hold exactly one <channel>"];
  for (const name of ["title", "link", "description"]) {
    if (children(channel, name).length !== 1) problems.push(`channel needs exactly one <${name}>`);
  }
  const link = text(child(channel, "link"));
  if (link && !isAbsoluteIri(link)) problems.push(`channel link "${link}" is not an absolute URL`);
  checkDate(text(child(channel, "lastBuildDate")), "channel lastBuildDate", problems);

  const checkRepeat = repeatChecker("guid", "item");
  children(channel, "item").forEach((item, i) => {
    const at = `item ${i + 1}`;
    if (child(item, "title") === null && child(item, "description") === null) {
      problems.push(`${at} has neither title nor description`);
    }
    const guid = text(child(item, "guid"));
    if (guid) checkRepeat(guid, i + 1, at, problems);
    const itemLink = text(child(item, "link"));
    if (child(item, "link") !== null && !isAbsoluteIri(itemLink)) {
      problems.push(`${at} link "${itemLink}" is not an absolute URL`);
    }
    checkDate(text(child(item, "pubDate")), `${at} pubDate`, problems);
    const enclosures = children(item, "enclosure");
    if (enclosures.length > 1) problems.push(`${at} has more than one enclosure`);
    for (const e of enclosures) {
      const url = attr(e, "url");
      if (url === null || !isAbsoluteIri(url))
        problems.push(`${at} enclosure url is not an absolute URL`);
      if (!/^\d+$/.test(attr(e, "length") ?? ""))
        problems.push(`${at} enclosure length is not a number`);
      if (!/.+\/.+/.test(attr(e, "type") ?? ""))
        problems.push(`${at} enclosure type is not a media type`);
    }
  });
  return problems;
}

/** RSS dates are RFC 822: a weekday, day, month name, year, time and zone. */
function checkDate(value: string, where: string, problems: string[]): void {
  if (value === "") return;
  const rfc822 =
    /^([A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{2,4} \d{2}:\d{2}(:\d{2})? ([A-Z]{1,3}|[+-]\d{4})$/;
  if (!rfc822.test(value) || Number.isNaN(Date.parse(value))) {
    problems.push(`${where} "${value}" is not an RFC 822 date`);
  }
}
