import { describe, expect, it } from "vitest";
import { sanitizeContent } from "../../functions/core/normalize/sanitize.ts";
import { collapseWhitespace, escapeHtml } from "../../functions/core/normalize/text.ts";

const OPTIONS = {
  base: "https://blog.example.com/posts/",
  iframeHosts: new Set(["www.youtube.com", "player.vimeo.com"]),
  title: null,
};

const BLOG = { base: "https://blog.example.com/", iframeHosts: new Set<string>(), title: null };

function clean(html: string, title: string | null = null) {
  return sanitizeContent(html, { ...OPTIONS, title });
}

describe("content sanitizer: markup", () => {
  it("keeps ordinary formatting", () => {
    const html =
      "<h2>Head</h2><p>Some <strong>bold</strong>, <em>italic</em> and <code>code</code>.</p>" +
      "<ul><li>one</li><li>two</li></ul><blockquote><p>quoted</p></blockquote><pre>a  b</pre>";
    expect(clean(html).html).toBe(html);
  });

  it("unwraps unknown elements but keeps their text", () => {
    expect(clean("<p><font color=red>red</font> <custom-tag>text</custom-tag></p>").html).toBe(
      "<p>red text</p>",
    );
  });

  it("keeps sectioning elements as divs so their text stays apart", () => {
    expect(clean("<section>one</section><article>two</article>").html).toBe(
      "<div>one</div><div>two</div>",
    );
  });

  it("drops classes, ids, styles and unknown attributes", () => {
    expect(clean('<p class="x" id="y" style="color:red" data-z="1" lang="en">t</p>').html).toBe(
      "<p>t</p>",
    );
  });

  it("makes links absolute, canonical and noopener", () => {
    expect(
      clean('<p><a href="../about?utm_source=rss&amp;x=1#top" target="_blank">about</a></p>').html,
    ).toBe(
      '<p><a href="https://blog.example.com/about?x=1" rel="noopener noreferrer">about</a></p>',
    );
  });

  it("keeps mailto links", () => {
    expect(clean('<p><a href="mailto:jo@example.com">mail</a></p>').html).toBe(
      '<p><a href="mailto:jo@example.com" rel="noopener noreferrer">mail</a></p>',
    );
  });

  it("turns a link without a usable target into its text", () => {
    expect(clean('<p><a href="javascript:void(0)">click</a> <a name="x">anchor</a></p>').html).toBe(
      "<p>click anchor</p>",
    );
  });

  it("makes image sources absolute and keeps sizes and alt text", () => {
    expect(
      clean('<p><img src="/i/a.png?utm_medium=x" width="640" height="480px" alt="A cat"></p>').html,
    ).toBe('<p><img src="https://blog.example.com/i/a.png" alt="A cat" width="640"></p>');
  });

  it("drops 1x1 images and known tracker pixels", () => {
    const html =
      '<p>Text</p><img src="https://x.example/p.gif" width="1" height="1">' +
      '<img src="https://feeds.feedburner.com/~r/Example/~4/abc">' +
      '<img src="https://pixel.wp.com/b.gif?host=x">' +
      '<img src="https://x.example/real.jpg" width="1" height="300">';
    expect(clean(html).html).toBe(
      '<p>Text</p><img src="https://x.example/real.jpg" width="1" height="300">',
    );
  });

  it("keeps iframes only from allowed hosts, over https, sandboxed, when embeds are wanted", () => {
    const html =
      '<iframe src="https://player.vimeo.com/video/1"></iframe>' +
      '<iframe src="https://www.example.com/embed"></iframe>' +
      '<iframe src="http://www.youtube.com/embed/x"></iframe>';
    expect(sanitizeContent(html, { ...OPTIONS, iframes: "embed" }).html).toBe(
      '<iframe src="https://player.vimeo.com/video/1" sandbox="allow-scripts allow-same-origin allow-popups"></iframe>',
    );
  });

  it("turns an allowed video iframe into a link to the video by default (no iframe for validators to warn about)", () => {
    const html =
      "<p>Watch:</p>" +
      '<iframe src="https://www.youtube.com/embed/abc123?autoplay=1" width="560"></iframe>' +
      '<iframe src="https://player.vimeo.com/video/42"></iframe>' +
      '<iframe src="https://www.example.com/embed"></iframe>';
    const { html: out, text } = clean(html);
    expect(out).toBe(
      "<p>Watch:</p>" +
        '<p><a href="https://www.youtube.com/watch?v=abc123" rel="noopener noreferrer">Watch on YouTube</a></p>' +
        '<p><a href="https://vimeo.com/42" rel="noopener noreferrer">Watch on Vimeo</a></p>',
    );
    expect(
      clean('<div><iframe src="https://player.vimeo.com/video/1"></iframe> Teaser.</div>').html,
    ).toBe(
      '<div><a href="https://vimeo.com/1" rel="noopener noreferrer">Watch on Vimeo</a> Teaser.</div>',
    );
    expect(out).not.toContain("<iframe");
    // the link is a stand-in for the video, not words of the story
    expect(text).toBe("Watch:");
    // content that is only a video keeps its link
    expect(clean('<iframe src="https://player.vimeo.com/video/7"></iframe>').html).toContain(
      "https://vimeo.com/7",
    );
  });

  it("drops empty paragraphs but not empty table cells", () => {
    expect(clean("<p>&nbsp;</p><p> </p><div><br></div><p>x</p>").html).toBe("<p>x</p>");
    expect(clean("<table><tr><td></td><td>x</td></tr></table>").html).toBe(
      "<table><tr><td></td><td>x</td></tr></table>",
    );
  });

  it("keeps a paragraph that only holds an image", () => {
    expect(clean('<p><img src="a.png"></p>').html).toBe(
      '<p><img src="https://blog.example.com/posts/a.png"></p>',
    );
  });

  it("returns empty html when nothing readable is left", () => {
    expect(clean("<script>x</script><style>p{}</style>").html).toBe("");
  });
});

describe("content sanitizer: repeated paragraphs", () => {
  it("drops a paragraph that repeats an earlier one, whitespace and case aside", () => {
    const html = "<p>First point.</p><p>Second point.</p><p>first   POINT.</p><p>Third.</p>";
    expect(clean(html).html).toBe("<p>First point.</p><p>Second point.</p><p>Third.</p>");
  });

  it("compares across block types and nesting", () => {
    const html =
      "<h2>Breaking news today</h2><div><p>Body text here.</p></div>" +
      "<blockquote>Body text here.</blockquote><p>Breaking news today</p>";
    expect(clean(html).html).toBe("<h2>Breaking news today</h2><div><p>Body text here.</p></div>");
  });

  it("keeps short repeated list items but drops long ones", () => {
    const html =
      "<ul><li>Yes</li><li>Fast and cheap to run</li></ul><ul><li>Yes</li><li>fast and cheap to run</li></ul>";
    expect(clean(html).html).toBe(
      "<ul><li>Yes</li><li>Fast and cheap to run</li></ul><ul><li>Yes</li></ul>",
    );
  });

  it("removes a container left empty by dropped repeats", () => {
    expect(clean("<p>Same words</p><blockquote><p>Same words</p></blockquote>").html).toBe(
      "<p>Same words</p>",
    );
  });

  it("drops the item's own title when the content repeats it", () => {
    expect(clean("<h1>The Big Story</h1><p>It begins.</p>", "the big story").html).toBe(
      "<p>It begins.</p>",
    );
    expect(clean("<p>The  big STORY</p><p>It begins.</p>", "the big story").html).toBe(
      "<p>It begins.</p>",
    );
  });

  it("keeps a paragraph that only contains the title among other words", () => {
    expect(clean("<p>The big story is long.</p>", "the big story").html).toBe(
      "<p>The big story is long.</p>",
    );
  });

  it("leaves dropped paragraphs out of the text", () => {
    const twice = clean(
      "<p>Alpha beta gamma delta.</p><p>Epsilon zeta eta.</p><p>Alpha beta gamma delta.</p>",
    );
    expect(twice.text).toBe("Alpha beta gamma delta. Epsilon zeta eta.");
  });
});

describe("content sanitizer: text", () => {
  it("decodes entities, separates blocks and collapses whitespace", () => {
    const r = clean(
      "<p>Caf&eacute;&nbsp;au   lait</p><p>Tom&amp;Jerry<br>next</p>loose <b>bo</b>ld",
    );
    expect(r.text).toBe("Café au lait Tom&Jerry next loose bold");
  });

  it("reads references as a browser would, in text and in attributes", () => {
    // text: a legacy name without its semicolon is still a reference
    expect(clean("<p>&copy 2024 Caf&#xE9; &#8212; AT&T</p>").text).toBe("© 2024 Café — AT&T");
    // attributes: "&copy=" is a query parameter, not a reference; "&amp;" is
    const link = clean('<p><a href="/s?a=1&copy=2&amp;b=3">s</a></p>').html;
    expect(link).toContain('href="https://blog.example.com/s?a=1&amp;copy=2&amp;b=3"');
    // a reference cannot smuggle a scheme or a size past the checks
    expect(clean('<p><a href="jav&#x61;script:alert(1)">x</a></p>').html).toBe("<p>x</p>");
    expect(clean('<p>a<img src="/p.gif" width="&#49;" height="1"></p>').html).toBe("<p>a</p>");
  });

  it("leaves script and style content out of the text", () => {
    expect(clean("<p>a<script>var x</script></p><style>p{}</style><p>b</p>").text).toBe("a b");
  });
});

describe("repeated blocks, however many an item has", () => {
  const paragraph = (i: number) => `<p>Paragraph number ${i} of a long post.</p>`;

  it("drops a repeat among a few blocks, by text and whatever the case", () => {
    const html = `${paragraph(1)}${paragraph(2)}<p>PARAGRAPH NUMBER 1 of a long post.</p>`;
    expect(sanitizeContent(html, BLOG).html).toBe(`${paragraph(1)}${paragraph(2)}`);
  });

  it("keeps different blocks of the same length", () => {
    const html = "<p>one cat</p><p>one dog</p><p>one cat</p>";
    expect(sanitizeContent(html, BLOG).html).toBe("<p>one cat</p><p>one dog</p>");
  });

  it("drops repeats of early and late blocks in a post of hundreds of blocks", () => {
    const blocks = Array.from({ length: 300 }, (_, i) => paragraph(i));
    const html = [...blocks, paragraph(0), paragraph(150), paragraph(299)].join("");
    const out = sanitizeContent(html, BLOG);
    expect(out.html).toBe(blocks.join(""));
    expect(out.text.split("Paragraph number 150 ").length).toBe(2);
  });

  it("drops the block that repeats the title, even after many blocks", () => {
    const blocks = Array.from({ length: 100 }, (_, i) => paragraph(i));
    const html = [...blocks, "<p>The Title</p>"].join("");
    expect(sanitizeContent(html, { ...BLOG, title: "the title" }).html).toBe(blocks.join(""));
  });
});

describe("references, near and far", () => {
  it("decodes every reference in text and attribute values, however far apart", () => {
    const filler = "<p>Plain paragraph without any reference in it.</p>".repeat(200);
    const html = `${filler}<p><a href="/search?a=1&amp;b=2">fish &amp; chips</a> 1 &lt; 2</p>${filler}<p>&quot;end&quot;</p>`;
    const out = sanitizeContent(html, BLOG);
    expect(out.html).toContain(
      '<p><a href="https://blog.example.com/search?a=1&amp;b=2" rel="noopener noreferrer">fish &amp; chips</a> 1 &lt; 2</p>',
    );
    expect(out.text).toContain("fish & chips 1 < 2");
    expect(out.text.endsWith('"end"')).toBe(true);
  });
});

describe("content in and beyond Latin-1", () => {
  it("comes out intact, whichever characters it has", () => {
    const latin1 = "<p>Crème brûlée à la carte, 20 × 3 ÷ 4 ½ ÿ.</p>";
    expect(sanitizeContent(latin1, BLOG).html).toBe(latin1);
    const wide = "<p>Price: 20 € … “quoted” 日本語 😀 Āā.</p>";
    expect(sanitizeContent(wide, BLOG).html).toBe(wide);
    // one character beyond Latin-1 at the very end, after a long Latin-1 run
    const late = `<p>${"café ".repeat(50)}Ā</p>`;
    expect(sanitizeContent(late, BLOG).html).toBe(late);
  });
});

describe("whitespace and escaping of text", () => {
  it("collapses every kind of whitespace run and leaves single spaces alone", () => {
    expect(collapseWhitespace("a b c")).toBe("a b c");
    expect(collapseWhitespace(" a  b ")).toBe("a b");
    expect(collapseWhitespace("a\u00a0b\tc\nd\u2009e\u3000f\ufeffg")).toBe("a b c d e f g");
    expect(collapseWhitespace("a \n b")).toBe("a b");
  });

  it("escapes markup characters in short and long text", () => {
    expect(escapeHtml("a<b")).toBe("a&lt;b");
    expect(escapeHtml("plain words")).toBe("plain words");
    const long = "a long run of text without anything special in it, ";
    expect(escapeHtml(long)).toBe(long);
    expect(escapeHtml(`${long}"quoted" & <tagged>`)).toBe(
      `${long}&quot;quoted&quot; &amp; &lt;tagged&gt;`,
    );
  });

  it("collapses the whitespace of a block's text, whatever kind it is", () => {
    const html = "<p> Two  spaces,\ta tab,\u00a0a no-break space\n and&nbsp;an entity </p>";
    expect(sanitizeContent(html, BLOG).text).toBe(
      "Two spaces, a tab, a no-break space and an entity",
    );
    expect(sanitizeContent("<p>thin&#8201;space and\u3000wide</p>", BLOG).text).toBe(
      "thin space and wide",
    );
  });

  it("finds a repeated block whose only difference is its whitespace", () => {
    const html = "<p>Same words here.</p><p>Other.</p><p> Same \n words&nbsp; here. </p>";
    expect(sanitizeContent(html, BLOG).html).toBe("<p>Same words here.</p><p>Other.</p>");
  });

  it("keeps a paragraph's text escaped in the output", () => {
    const html = '<p>Fish &amp; chips for "two" &lt; three, and much more besides</p>';
    expect(sanitizeContent(html, BLOG).html).toBe(
      "<p>Fish &amp; chips for &quot;two&quot; &lt; three, and much more besides</p>",
    );
  });
});

describe("content sanitizer: odd names", () => {
  it("survives element names that are Object prototype keys", () => {
    expect(clean("<p>a<constructor>x</constructor><toString>y</toString></p>").html).toBe(
      "<p>axy</p>",
    );
  });
});
