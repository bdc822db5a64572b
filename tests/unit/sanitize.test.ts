import { describe, expect, it } from "vitest";
import { sanitizeContent } from "../../functions/core/normalize/sanitize.ts";

const OPTIONS = {
  base: "https://blog.example.com/posts/",
  iframeHosts: new Set(["www.youtube.com", "player.vimeo.com"]),
  title: null,
};

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

  it("keeps iframes only from allowed hosts, over https, sandboxed", () => {
    const html =
      '<iframe src="https://player.vimeo.com/video/1"></iframe>' +
      '<iframe src="https://www.example.com/embed"></iframe>' +
      '<iframe src="http://www.youtube.com/embed/x"></iframe>';
    expect(clean(html).html).toBe(
      '<iframe src="https://player.vimeo.com/video/1" sandbox="allow-scripts allow-same-origin allow-popups"></iframe>',
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

  it("leaves dropped paragraphs out of the text, the word count and the SimHash", () => {
    const once = clean("<p>Alpha beta gamma delta.</p><p>Epsilon zeta eta.</p>");
    const twice = clean(
      "<p>Alpha beta gamma delta.</p><p>Epsilon zeta eta.</p><p>Alpha beta gamma delta.</p>",
    );
    expect(twice.text).toBe("Alpha beta gamma delta. Epsilon zeta eta.");
    expect(twice.words).toBe(7);
    expect(twice.simhash).toBe(once.simhash);
  });
});

describe("content sanitizer: text", () => {
  it("decodes entities, separates blocks and collapses whitespace", () => {
    const r = clean(
      "<p>Caf&eacute;&nbsp;au   lait</p><p>Tom&amp;Jerry<br>next</p>loose <b>bo</b>ld",
    );
    expect(r.text).toBe("Café au lait Tom&Jerry next loose bold");
    expect(r.words).toBe(8);
  });

  it("leaves script and style content out of the text", () => {
    expect(clean("<p>a<script>var x</script></p><style>p{}</style><p>b</p>").text).toBe("a b");
  });
});
