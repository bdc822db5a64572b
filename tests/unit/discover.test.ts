/** Feed autodiscovery on HTML pages as sites write them. */
import { describe, expect, it } from "vitest";
import { discoverFeeds, isHtmlPage } from "../../functions/sources/discover.ts";

const PAGE = "https://blog.example/posts/hello?x=1";

describe("discoverFeeds", () => {
  it("lists declared feeds Atom first, then RSS, then JSON Feed, absolute and once each", () => {
    const html = `<!DOCTYPE html><html><head>
      <link rel="alternate" type="application/feed+json" href="/feed.json">
      <link rel="alternate" type="application/rss+xml" title="Comments" href="comments/rss?a=1&amp;b=2">
      <LINK REL="alternate nofollow" TYPE="Application/RSS+XML" href="/rss.xml">
      <link rel="alternate" type="application/atom+xml" href="//cdn.example/atom.xml">
      <link rel="alternate" type="application/atom+xml" href="https://cdn.example/atom.xml">
      <link rel="stylesheet" type="text/css" href="/site.css">
      <link rel="alternate" type="text/html" hreflang="de" href="/de/">
      <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
      <link rel="alternate" type="application/rss+xml">
    </head><body><link rel="alternate" type="application/atom+xml" href="/late.atom"></body></html>`;
    expect(discoverFeeds(html, PAGE)).toEqual([
      { url: "https://cdn.example/atom.xml", kind: "atom", title: null },
      { url: "https://blog.example/late.atom", kind: "atom", title: null },
      {
        url: "https://blog.example/posts/comments/rss?a=1&b=2",
        kind: "rss",
        title: "Comments",
      },
      { url: "https://blog.example/rss.xml", kind: "rss", title: null },
      { url: "https://blog.example/feed.json", kind: "json", title: null },
    ]);
  });

  it("resolves against the page's first <base href>, itself relative to the page", () => {
    const html = `<head><link rel="alternate" type="application/rss+xml" href="feed">
      <base href="../blog/"><base href="/ignored/"></head>`;
    expect(discoverFeeds(html, PAGE).map((f) => f.url)).toEqual(["https://blog.example/blog/feed"]);
  });

  it("finds nothing on a page that declares no feed", () => {
    expect(discoverFeeds("<html><head><title>x</title></head></html>", PAGE)).toEqual([]);
  });
});

describe("isHtmlPage", () => {
  it("tells a page from a feed by its type, else by how it starts", () => {
    expect(isHtmlPage("<rss/>", "text/html; charset=utf-8")).toBe(true);
    expect(isHtmlPage("<!-- hi -->\n<!doctype html><p>", null)).toBe(true);
    expect(isHtmlPage('<?xml version="1.0"?><feed/>', "application/xml")).toBe(false);
    expect(isHtmlPage('{"version":"https://jsonfeed.org/version/1.1"}', null)).toBe(false);
  });
});
