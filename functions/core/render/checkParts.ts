/** What the feed checks share, so the same fault reads the same in every format. */
import { findForbiddenCharacter } from "./xmlText.ts";
import { child, parseXml, type XmlNode } from "./xmlTree.ts";

/**
 * The first look at an XML feed: forbidden characters, well-formedness and
 * the root element. `root` is null when the document cannot be checked
 * further; `problems` then already says why.
 */
export function openXml(
  xml: string,
  rootName: string,
): { problems: string[]; root: XmlNode | null } {
  const problems: string[] = [];
  const forbidden = findForbiddenCharacter(xml);
  if (forbidden !== null) problems.push(`document ${forbidden}`);
  const parsed = parseXml(xml);
  if ("problem" in parsed) return { problems: [...problems, parsed.problem], root: null };
  const root = child(parsed.root, rootName);
  if (root === null) {
    return { problems: [...problems, `the root element is not <${rootName}>`], root: null };
  }
  return { problems, root };
}

/**
 * Reports an entry whose `what` (id, guid) an earlier one already used:
 * readers take the two for one story and show only one of them.
 * `noun` names the entries in the message ("entry", "item").
 */
export function repeatChecker(
  what: string,
  noun: string,
): (value: string, n: number, at: string, problems: string[]) => void {
  const firstAt = new Map<string, number>();
  return (value, n, at, problems) => {
    const first = firstAt.get(value);
    if (first !== undefined) problems.push(`${at} repeats the ${what} of ${noun} ${first}`);
    else firstAt.set(value, n);
  };
}
