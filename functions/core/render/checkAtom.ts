/**
 * The last look before an Atom document is published: RFC 4287 rules that a
 * schema validator skips (authors, content-or-link) and the W3C Feed
 * Validator's complaints we can catch without the network.
 */
import { openXml, repeatChecker } from "./checkParts.ts";
import { isRfc3339 } from "./dates.ts";
import { isAbsoluteIri } from "./iri.ts";
import { attr, child, children, text, type XmlNode } from "./xmlTree.ts";

const ATOM_NS = "http://www.w3.org/2005/Atom";

/**
 * Problems with an Atom document, in human words; [] when it is fine to publish.
 * With `base` (the document's own URL), the feed's own links may be relative
 * to it, as an archive page's are when the public URL is not known for good.
 */
export function checkAtom(xml: string, options: { base?: string } = {}): string[] {
  const { problems, root: feed } = openXml(xml, "feed");
  if (feed === null) return problems;
  if (attr(feed, "xmlns") !== ATOM_NS)
    problems.push(`<feed> is not in the Atom namespace ${ATOM_NS}`);

  const where = "feed";
  checkId(feed, where, problems);
  checkOne(feed, "title", where, problems);
  checkDate(feed, "updated", where, problems);
  checkLinks(feed, where, problems, options.base);
  checkPeople(feed, where, problems);
  if (!hasSelfLink(feed)) problems.push('feed has no rel="self" link');
  const feedHasAuthor = children(feed, "author").length > 0;

  const checkRepeat = repeatChecker("id", "entry");
  children(feed, "entry").forEach((entry, i) => {
    const id = text(child(entry, "id"));
    const at = `entry ${i + 1}${id ? ` (${id})` : ""}`;
    checkId(entry, at, problems);
    if (id) checkRepeat(id, i + 1, at, problems);
    checkOne(entry, "title", at, problems);
    checkDate(entry, "updated", at, problems);
    if (child(entry, "published") !== null) checkDate(entry, "published", at, problems);
    const updated = Date.parse(text(child(entry, "updated")));
    const published = Date.parse(text(child(entry, "published")));
    if (updated < published) problems.push(`${at} is updated before it was published`);
    checkLinks(entry, at, problems);
    checkPeople(entry, at, problems);
    if (!feedHasAuthor && children(entry, "author").length === 0) {
      problems.push(`${at} has no author and neither has the feed`);
    }
    const hasAlternate = children(entry, "link").some(
      (l) => (attr(l, "rel") ?? "alternate") === "alternate",
    );
    if (child(entry, "content") === null && !hasAlternate) {
      problems.push(`${at} has neither content nor an alternate link`);
    }
    if (child(entry, "content") === null && child(entry, "summary") === null) {
      problems.push(`${at} has neither content nor summary`);
    }
    for (const c of children(entry, "category")) {
      if (!attr(c, "term")?.trim()) problems.push(`${at} has a category without a term`);
    }
    const source = child(entry, "source");
    if (source !== null) {
      // A source describes a feed: the validator wants what a feed must have.
      checkId(source, `${at} source`, problems);
      checkOne(source, "title", `${at} source`, problems);
      checkDate(source, "updated", `${at} source`, problems);
      if (!hasSelfLink(source)) problems.push(`${at} source has no rel="self" link`);
      checkLinks(source, `${at} source`, problems);
      checkPeople(source, `${at} source`, problems);
    }
  });
  return problems;
}

function hasSelfLink(node: XmlNode): boolean {
  return children(node, "link").some((l) => attr(l, "rel") === "self");
}

function checkOne(node: XmlNode, name: string, where: string, problems: string[]): void {
  const n = children(node, name).length;
  if (n === 0) problems.push(`${where} has no <${name}>`);
  if (n > 1) problems.push(`${where} has ${n} <${name}> elements`);
}

function checkId(node: XmlNode, where: string, problems: string[]): void {
  checkOne(node, "id", where, problems);
  const id = text(child(node, "id"));
  if (id && !isAbsoluteIri(id)) problems.push(`${where} id "${id}" is not an absolute IRI`);
}

function checkDate(node: XmlNode, name: string, where: string, problems: string[]): void {
  const el = child(node, name);
  if (el === null) {
    problems.push(`${where} has no <${name}>`);
    return;
  }
  const value = text(el);
  if (!isRfc3339(value)) problems.push(`${where} <${name}> "${value}" is not an RFC 3339 date`);
}

function checkLinks(node: XmlNode, where: string, problems: string[], base?: string): void {
  for (const link of children(node, "link")) {
    const href = attr(link, "href");
    if (href === null) {
      problems.push(`${where} has a link without href`);
      continue;
    }
    const resolved =
      base !== undefined && URL.canParse(href, base) ? new URL(href, base).href : href;
    if (!isAbsoluteIri(resolved)) problems.push(`${where} link "${href}" is not an absolute IRI`);
  }
}

function checkPeople(node: XmlNode, where: string, problems: string[]): void {
  for (const role of ["author", "contributor"]) {
    for (const p of children(node, role)) {
      const name = text(child(p, "name"));
      if (!name) problems.push(`${where} has an ${role} with an empty name`);
      if (/\S@\S+\.\S/.test(name))
        problems.push(`${where} ${role} name "${name}" contains an email address`);
      const uri = child(p, "uri");
      if (uri !== null && !isAbsoluteIri(text(uri))) {
        problems.push(`${where} ${role} uri "${text(uri)}" is not an absolute IRI`);
      }
    }
  }
}
