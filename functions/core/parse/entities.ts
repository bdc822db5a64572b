/**
 * Character references. The XML parser runs with entity processing off (so a
 * DTD can never make it expand anything); we decode references ourselves,
 * once, and only in the values we keep. Besides XML's five and numeric
 * references we decode the HTML 4 named entities, because many real feeds
 * write `&nbsp;`, `&eacute;` or `&mdash;` without declaring them.
 */

/** Latin-1 supplement names, U+00A0 to U+00FF in order. */
const LATIN1 =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml";

/** The other HTML 4 entities (special, symbols, Greek), as name:code pairs. */
const OTHERS =
  "quot:34 amp:38 apos:39 lt:60 gt:62 OElig:338 oelig:339 Scaron:352 scaron:353 Yuml:376 fnof:402 circ:710 tilde:732 " +
  "Alpha:913 Beta:914 Gamma:915 Delta:916 Epsilon:917 Zeta:918 Eta:919 Theta:920 Iota:921 Kappa:922 Lambda:923 Mu:924 Nu:925 Xi:926 Omicron:927 Pi:928 Rho:929 Sigma:931 Tau:932 Upsilon:933 Phi:934 Chi:935 Psi:936 Omega:937 " +
  "alpha:945 beta:946 gamma:947 delta:948 epsilon:949 zeta:950 eta:951 theta:952 iota:953 kappa:954 lambda:955 mu:956 nu:957 xi:958 omicron:959 pi:960 rho:961 sigmaf:962 sigma:963 tau:964 upsilon:965 phi:966 chi:967 psi:968 omega:969 thetasym:977 upsih:978 piv:982 " +
  "ensp:8194 emsp:8195 thinsp:8201 zwnj:8204 zwj:8205 lrm:8206 rlm:8207 ndash:8211 mdash:8212 lsquo:8216 rsquo:8217 sbquo:8218 ldquo:8220 rdquo:8221 bdquo:8222 dagger:8224 Dagger:8225 bull:8226 hellip:8230 permil:8240 prime:8242 Prime:8243 lsaquo:8249 rsaquo:8250 oline:8254 frasl:8260 euro:8364 " +
  "image:8465 weierp:8472 real:8476 trade:8482 alefsym:8501 larr:8592 uarr:8593 rarr:8594 darr:8595 harr:8596 crarr:8629 lArr:8656 uArr:8657 rArr:8658 dArr:8659 hArr:8660 " +
  "forall:8704 part:8706 exist:8707 empty:8709 nabla:8711 isin:8712 notin:8713 ni:8715 prod:8719 sum:8721 minus:8722 lowast:8727 radic:8730 prop:8733 infin:8734 ang:8736 and:8743 or:8744 cap:8745 cup:8746 int:8747 there4:8756 sim:8764 cong:8773 asymp:8776 ne:8800 equiv:8801 le:8804 ge:8805 sub:8834 sup:8835 nsub:8836 sube:8838 supe:8839 oplus:8853 otimes:8855 perp:8869 sdot:8901 " +
  "lceil:8968 rceil:8969 lfloor:8970 rfloor:8971 lang:10216 rang:10217 loz:9674 spades:9824 clubs:9827 hearts:9829 diams:9830";

import { WINDOWS_1252_C1 } from "./charset.ts";

function buildTable(): Map<string, string> {
  const table = new Map<string, string>();
  LATIN1.split(" ").forEach((name, i) => {
    table.set(name, String.fromCharCode(0xa0 + i));
  });
  for (const pair of OTHERS.split(" ")) {
    const [name, code] = pair.split(":");
    table.set(name!, String.fromCharCode(Number(code)));
  }
  return table;
}

/** Named entity to its character (case-sensitive, like HTML). */
const NAMED_ENTITIES: ReadonlyMap<string, string> = buildTable();

function fromCodePoint(cp: number): string {
  if (cp >= 0x80 && cp <= 0x9f) return WINDOWS_1252_C1[cp - 0x80]!;
  // NUL, surrogates, out of range and the controls XML forbids become U+FFFD.
  if (
    cp === 0 ||
    cp > 0x10ffff ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    (cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d)
  ) {
    return "\uFFFD";
  }
  return String.fromCodePoint(cp);
}

const REFERENCE = /&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

/**
 * Decodes character references in parsed XML text. Unknown names stay as
 * written (`&foo;`): they are not ours to guess, and never expand anything.
 * A bare `&` (as in "AT&T", common in sloppy feeds) is kept literally.
 */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(REFERENCE, (whole, dec?: string, hex?: string, name?: string) => {
    if (dec !== undefined) return fromCodePoint(Number.parseInt(dec, 10));
    if (hex !== undefined) return fromCodePoint(Number.parseInt(hex, 16));
    return NAMED_ENTITIES.get(name!) ?? whole;
  });
}

/** Raw element content split into what a reader should see. */
export interface RawContent {
  /** CDATA unwrapped, comments dropped; references decoded unless `markup`. */
  value: string;
  /** True when the content holds unescaped child elements (inline markup). */
  markup: boolean;
}

/**
 * Interprets the raw inner source of an element the XML parser did not parse
 * (a "stop node"): CDATA sections are unwrapped, comments dropped, and if the
 * rest contains no tags its references are decoded. When it does contain tags
 * (inline XHTML, or HTML a feed forgot to escape) the markup is kept as is,
 * since its references belong to that markup.
 */
export function interpretRaw(raw: string): RawContent {
  const first = raw.indexOf("<");
  if (first === -1) return { value: decodeEntities(raw), markup: false };
  const single = oneCdataSection(raw, first);
  if (single !== null) return { value: single, markup: false };
  let markup = false;
  const parts: string[] = [];
  let i = 0;
  while (i < raw.length) {
    const lt = raw.indexOf("<", i);
    if (lt === -1) {
      parts.push(raw.slice(i));
      break;
    }
    parts.push(raw.slice(i, lt));
    if (raw.startsWith("<![CDATA[", lt)) {
      const end = raw.indexOf("]]>", lt + 9);
      const stop = end === -1 ? raw.length : end;
      // Marked so the entity pass below skips it: CDATA is literal text.
      parts.push(`\u0000${raw.slice(lt + 9, stop)}\u0000`);
      i = end === -1 ? raw.length : end + 3;
    } else if (raw.startsWith("<!--", lt)) {
      const end = raw.indexOf("-->", lt + 4);
      i = end === -1 ? raw.length : end + 3;
    } else {
      markup = true;
      const gt = raw.indexOf(">", lt);
      const stop = gt === -1 ? raw.length : gt + 1;
      parts.push(raw.slice(lt, stop));
      i = stop;
    }
  }
  const joined = parts.join("");
  if (markup) return { value: joined.replaceAll("\u0000", ""), markup };
  // Decode only outside the CDATA sections (odd-numbered pieces are CDATA).
  const pieces = joined.split("\u0000");
  for (let k = 0; k < pieces.length; k += 2) pieces[k] = decodeEntities(pieces[k]!);
  return { value: pieces.join(""), markup };
}

/**
 * The common shape of a content:encoded value, one CDATA section with at
 * most some plain text (whitespace) around it, unwrapped without building
 * the pieces the general case needs; null for any other shape.
 */
function oneCdataSection(raw: string, first: number): string | null {
  if (!raw.startsWith("<![CDATA[", first)) return null;
  const end = raw.indexOf("]]>", first + 9);
  if (end === -1 || raw.indexOf("<", end + 3) !== -1) return null;
  // No U+0000 to look for, as the general case would: the parser drops it (a
  // control XML forbids) before any element is read, and a reference to it
  // decodes to U+FFFD. That spares a scan of the whole content.
  return (
    decodeEntities(raw.slice(0, first)) +
    raw.slice(first + 9, end) +
    decodeEntities(raw.slice(end + 3))
  );
}
