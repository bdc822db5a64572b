/**
 * Classic XSS vectors through the content sanitizer. Each output is parsed
 * again with htmlparser2 and every element and attribute inspected: nothing
 * executable may survive, whatever the spelling of the attack.
 */
import { Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { sanitizeContent } from "../../functions/core/normalize/sanitize.ts";

const OPTIONS = {
  base: "https://blog.example.com/posts/",
  iframeHosts: new Set(["www.youtube.com"]),
  title: null,
};

const VECTORS = [
  `<script>alert(1)</script>`,
  `<SCRIPT SRC=https://evil.example/x.js></SCRIPT>`,
  `<scr<script>ipt>alert(1)</script>`,
  `<p>hi<script>alert(1)</script></p><div><script>alert(2)</script></div>`,
  `<table><tr><td><script>alert(1)</script></td></tr></table>`,
  `<ul><li><script>alert(1)</script></li></ul>`,
  `<a href="https://ok.example/"><script>alert(1)</script>x</a>`,
  `<img src=x onerror=alert(1)>`,
  `<img src="x" ONERROR="alert(1)">`,
  `<img src=x oNeRrOr=alert(1)//`,
  `<body onload=alert(1)>`,
  `<p onclick="alert(1)" onmouseover=alert(2)>x</p>`,
  `<div style="background:url(javascript:alert(1))">x</div>`,
  `<div style="width: expression(alert(1))">x</div>`,
  `<p style="behavior:url(x.htc)">x</p>`,
  `<a href="javascript:alert(1)">x</a>`,
  `<a href="JaVaScRiPt:alert(1)">x</a>`,
  `<a href="  javascript:alert(1)">x</a>`,
  `<a href="jav&#x09;ascript:alert(1)">x</a>`,
  `<a href="jav&#x0A;ascript:alert(1)">x</a>`,
  `<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>`,
  `<a href="&#x6A;avascript&colon;alert(1)">x</a>`,
  `<a href="javascript&#58;alert(1)">x</a>`,
  `<a href="\u0001javascript:alert(1)">x</a>`,
  `<a href="vbscript:msgbox(1)">x</a>`,
  `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
  `<img src="javascript:alert(1)">`,
  `<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">`,
  `<img src="data:image/png;base64,iVBORw0KGgo=">`,
  `<img srcset="javascript:alert(1) 1x">`,
  `<iframe src="javascript:alert(1)"></iframe>`,
  `<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
  `<iframe src="https://www.youtube.com/embed/x" srcdoc="<script>alert(1)</script>" onload="alert(1)"></iframe>`,
  `<iframe src="http://www.youtube.com/embed/x"></iframe>`,
  `<iframe src="https://evil.example/"></iframe>`,
  `<svg onload=alert(1)>`,
  `<svg><script>alert(1)</script></svg>`,
  `<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
  `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">`,
  `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
  `<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>`,
  `<xmp><img title="</xmp><img src=x onerror=alert(1)>"></xmp>`,
  `<style><img src=x onerror=alert(1)></style>`,
  `<object data="javascript:alert(1)"></object>`,
  `<object data="https://evil.example/x.swf"><param name=x value=y></object>`,
  `<embed src="https://evil.example/x.swf">`,
  `<form action="javascript:alert(1)"><input type=submit></form>`,
  `<form><button formaction="javascript:alert(1)">x</button></form>`,
  `<button formaction="javascript:alert(1)">x</button>`,
  `<input type="image" src="x" onerror="alert(1)">`,
  `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
  `<base href="javascript:alert(1)//">`,
  `<link rel="stylesheet" href="javascript:alert(1)">`,
  `<video poster="javascript:alert(1)" src="x.mp4"></video>`,
  `<audio src=x onerror=alert(1)>`,
  `<details open ontoggle=alert(1)>`,
  `<blockquote cite="javascript:alert(1)">x</blockquote>`,
  `<a href="https://ok.example/" target="_blank">x</a>`,
  `<img src="https://ok.example/a.png" style="x:expression(alert(1))">`,
  `<div id="__proto__" class="x" data-x="y" name="location">x</div>`,
  `<!--<img src=x onerror=alert(1)>-->`,
  `<![CDATA[<img src=x onerror=alert(1)>]]>`,
  `<?xml-stylesheet href="javascript:alert(1)"?>`,
  `<template><img src=x onerror=alert(1)></template>`,
  `<a href="https://ok.example/" onclick="alert(1)">x</a>`,
  `"><img src=x onerror=alert(1)>`,
  `<img """><script>alert(1)</script>">`,
  `<img src="x` + "`" + `<script>alert(1)</script>"` + "`" + `>`,
  `<a href="https://ok.example/?a=&quot;onmouseover=alert(1)">x</a>`,
  `<textarea><script>alert(1)</script></textarea>`,
  `<title><script>alert(1)</script></title>`,
  `<plaintext><script>alert(1)</script>`,
];

const SAFE_URL = /^(?:https?:\/\/|mailto:)/i;
const URL_ATTRS = [
  "href",
  "src",
  "cite",
  "poster",
  "action",
  "formaction",
  "data",
  "xlink:href",
  "background",
];

/**
 * Elements that run, load, embed or submit something, or change how the rest
 * is parsed: written out here, not taken from the sanitizer's policy, so that
 * a policy that let one through would fail this test.
 */
const DANGEROUS = new Set(
  (
    "script style object embed applet param frame frameset svg math form input button " +
    "textarea select option base link meta template noscript noembed noframes xmp " +
    "plaintext portal dialog canvas html head body title"
  ).split(" "),
);

/** Everything a browser could execute, found by parsing the output again. */
function executableBits(html: string): string[] {
  const found: string[] = [];
  const stack: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        stack.push(name);
        if (DANGEROUS.has(name)) found.push(`element <${name}>`);
        for (const [attr, value] of Object.entries(attribs)) {
          if (/^on/i.test(attr)) found.push(`handler ${attr}`);
          if (["style", "srcdoc", "srcset", "formaction", "action", "id", "name"].includes(attr)) {
            found.push(`attribute ${attr}`);
          }
          if (URL_ATTRS.includes(attr) && !SAFE_URL.test(value)) found.push(`url ${attr}=${value}`);
        }
        if (name === "iframe") {
          if (attribs.sandbox !== "allow-scripts allow-same-origin allow-popups") {
            found.push("iframe without sandbox");
          }
          if (!attribs.src?.startsWith("https://www.youtube.com/")) found.push("iframe host");
        }
      },
      onclosetag() {
        stack.pop();
      },
      ontext() {
        if (stack.includes("script") || stack.includes("style")) found.push("script/style text");
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  if (/<script|<style|javascript:|vbscript:|data:/i.test(html))
    found.push("dangerous text in markup");
  if (/\son\w+\s*=/i.test(html.replace(/>[^<]*</g, "><"))) found.push("on* attribute in markup");
  return found;
}

describe("sanitizer against XSS vectors", () => {
  it.each(VECTORS)("neutralizes %s", (vector) => {
    const { html } = sanitizeContent(vector, OPTIONS);
    expect(executableBits(html)).toEqual([]);
  });

  it.each(VECTORS)("neutralizes %s inside a paragraph of real text", (vector) => {
    const { html, text } = sanitizeContent(`<p>Before</p>${vector}<p>After</p>`, OPTIONS);
    expect(executableBits(html)).toEqual([]);
    expect(text).toContain("Before");
  });

  it("has a detector that does see executable markup", () => {
    // guards the suite itself: a pass-through sanitizer would be caught
    expect(executableBits(`<img src=x onerror=alert(1)>`)).not.toEqual([]);
    expect(executableBits(`<a href="javascript:alert(1)">x</a>`)).not.toEqual([]);
    expect(executableBits(`<svg onload=alert(1)>`)).not.toEqual([]);
  });

  it("keeps an allowed embed, sandboxed and on https", () => {
    const { html } = sanitizeContent(
      `<iframe src="//www.youtube.com/embed/abc" width="560" height="315" onload="x"></iframe>`,
      { ...OPTIONS, iframes: "embed" },
    );
    expect(html).toBe(
      `<iframe src="https://www.youtube.com/embed/abc" sandbox="allow-scripts allow-same-origin allow-popups" width="560" height="315"></iframe>`,
    );
  });

  it("escapes text that looks like markup instead of dropping it", () => {
    const { html, text } = sanitizeContent("<p>Use &lt;script&gt; tags &amp; more</p>", OPTIONS);
    expect(html).toBe("<p>Use &lt;script&gt; tags &amp; more</p>");
    expect(text).toBe("Use <script> tags & more");
  });
});
