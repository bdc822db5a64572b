/**
 * The sanitizer reads HTML through a fast path and a lean event layer; both
 * must hear exactly what htmlparser2's own Parser reports, or the allow-list
 * would be judging a different document than the one we think we read.
 */
import fc from "fast-check";
import { Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { parseDate } from "../../functions/core/normalize/dates.ts";
import { readHtml } from "../../functions/core/normalize/htmlEvents.ts";
import { sanitizeContent } from "../../functions/core/normalize/sanitize.ts";

type Event = [string, string, string?];

function viaHtmlparser2(html: string): Event[] {
  const events: Event[] = [];
  const parser = new Parser(
    {
      onopentag: (name, attribs) => events.push(["open", name, JSON.stringify(attribs)]),
      onclosetag: (name) => events.push(["close", name]),
      ontext: (text) => events.push(["text", text]),
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return merged(events);
}

function viaReadHtml(html: string): Event[] {
  const events: Event[] = [];
  readHtml(html, () => {
    events.length = 0;
    return {
      onopentag: (name: string, attribs: Record<string, string>) =>
        events.push(["open", name, JSON.stringify(attribs)]),
      onclosetag: (name: string) => events.push(["close", name]),
      ontext: (text: string) => events.push(["text", text]),
      wantsAttributes: () => true,
    };
  });
  return merged(events);
}

/** Text may come in several pieces: compare it joined. */
function merged(events: Event[]): Event[] {
  const out: Event[] = [];
  for (const e of events) {
    const last = out.at(-1);
    if (e[0] === "text" && last?.[0] === "text") last[1] += e[1];
    else out.push([...e] as Event);
  }
  return out;
}

const piece = fc.oneof(
  fc.constantFrom(
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<a href='x?a=1&amp;b=2'>",
    "</a>",
    "<br>",
    "</br>",
    "<img src=x>",
    "<li>",
    "<ul>",
    "</ul>",
    "<b>",
    "</b>",
    "<script>",
    "</script>",
    "<style>a{}</style>",
    "<!-- c -->",
    "<svg><path/></svg>",
    "<math>",
    "&amp;",
    "&lt;",
    "&eacute;",
    "&#x27;",
    "&nbsp;",
    "<",
    ">",
    '"',
    "'",
    "<table><tr><td>",
    "</td></tr></table>",
    "<title>",
    "</title>",
    "<textarea>",
    "<![CDATA[x]]>",
    "<P CLASS=a>",
    '<input value="a>b">',
    "<a onclick='x' href=\"javascript:y\">",
    "<p/>",
  ),
  fc.string({ maxLength: 8 }),
);

describe("reading HTML", () => {
  it("hears the same elements, attributes and text as htmlparser2's Parser", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const html = pieces.join("");
        expect(viaReadHtml(html)).toEqual(viaHtmlparser2(html));
      }),
      { numRuns: 1000 },
    );
  });

  it("survives element and date names that are Object prototype keys", () => {
    const out = sanitizeContent("<p>a<constructor>x</constructor><toString>y</toString></p>", {
      base: null,
      iframeHosts: new Set(),
      title: null,
    });
    expect(out.html).toBe("<p>axy</p>");
    expect(parseDate("Thu, 16 May 2024 08:00:00 constructor")).toBeNull();
    expect(parseDate("Thu, 16 May 2024 08:00:00 __proto__")).toBeNull();
  });
});
