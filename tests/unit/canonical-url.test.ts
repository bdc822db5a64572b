import { describe, expect, it } from "vitest";
import { resolveBase } from "../../functions/core/normalize/canonicalUrl.ts";
import { canonicalUrl } from "../../functions/core/normalize/index.ts";
import { isTrackingParam } from "../../functions/core/normalize/trackingParams.ts";

describe("canonicalUrl", () => {
  it("lowercases scheme and host, drops default port and fragment", () => {
    expect(canonicalUrl("HTTPS://News.Example.COM:443/Story/One?id=7#comments")).toBe(
      "https://news.example.com/Story/One?id=7",
    );
    expect(canonicalUrl("http://example.com:80/a")).toBe("http://example.com/a");
    expect(canonicalUrl("http://example.com:8080/a")).toBe("http://example.com:8080/a");
  });

  it("removes every tracking parameter and keeps the others in order", () => {
    const url =
      "https://example.com/a?utm_source=rss&b=2&fbclid=XYZ&a=1&utm_medium=feed&mtm_campaign=x&gclid=1" +
      "&pk_kwd=z&hsa_acc=3&mc_cid=4&mc_eid=5&_hsenc=6&_hsmi=7&mkt_tok=8&igshid=9&ref_src=twsrc&s_cid=q" +
      "&oly_enc_id=1&vero_id=2&_branch_match_id=3&dclid=1&gbraid=1&wbraid=1&msclkid=1&yclid=1&twclid=1&c=3";
    expect(canonicalUrl(url)).toBe("https://example.com/a?b=2&a=1&c=3");
  });

  it("drops the question mark when only trackers were there", () => {
    expect(canonicalUrl("https://example.com/a?utm_source=x&UTM_Campaign=y")).toBe(
      "https://example.com/a",
    );
  });

  it("keeps parameters that only look similar", () => {
    expect(canonicalUrl("https://example.com/?ref=home&page=2&source=rss&id=utm_source")).toBe(
      "https://example.com/?ref=home&page=2&source=rss&id=utm_source",
    );
  });

  it("keeps the spelling of kept parameters", () => {
    expect(canonicalUrl("https://example.com/s?q=a+b%20c&x=%2F&utm_term=t")).toBe(
      "https://example.com/s?q=a+b%20c&x=%2F",
    );
  });

  it("resolves relative links against a base", () => {
    expect(canonicalUrl("../b/c.html?utm_source=x", "https://example.com/a/post/")).toBe(
      "https://example.com/a/b/c.html",
    );
    expect(canonicalUrl("//cdn.example.com/i.png", "https://example.com/")).toBe(
      "https://cdn.example.com/i.png",
    );
    expect(canonicalUrl("/x", null)).toBeNull();
  });

  it("accepts only http and https", () => {
    for (const bad of [
      "javascript:alert(1)",
      " javascript:alert(1)",
      "jav\tascript:alert(1)",
      "JAVASCRIPT:alert(1)",
      "vbscript:msgbox(1)",
      "data:text/html,<script>alert(1)</script>",
      "data:image/png;base64,AAAA",
      "mailto:jo@example.com",
      "ftp://example.com/f",
      "file:///etc/passwd",
      "",
      "http://",
    ]) {
      expect(canonicalUrl(bad, "https://example.com/"), bad).toBeNull();
    }
  });

  it("ignores surrounding whitespace and control characters", () => {
    expect(canonicalUrl("\n  https://example.com/a  \t")).toBe("https://example.com/a");
  });

  it("gives an absolute URL priority over a broken base", () => {
    expect(canonicalUrl("https://example.com/a", "not a base")).toBe("https://example.com/a");
  });
});

describe("isTrackingParam", () => {
  it("knows the families and their kin, case-insensitively", () => {
    for (const name of ["utm_anything", "MTM_SOURCE", "pk_campaign", "hsa_cam", "fbclid", "_ga"]) {
      expect(isTrackingParam(name), name).toBe(true);
    }
    for (const name of ["id", "p", "page", "utm", "ref", "s"]) {
      expect(isTrackingParam(name), name).toBe(false);
    }
  });
});

describe("resolveBase", () => {
  it("takes the most specific base, resolving relative ones against the next", () => {
    expect(
      resolveBase(["/blog/", null, "https://example.com/", "https://feeds.example.net/rss"]),
    ).toBe("https://example.com/blog/");
    expect(resolveBase([null, null, null, "https://feeds.example.net/rss"])).toBe(
      "https://feeds.example.net/rss",
    );
    expect(resolveBase([null, null])).toBeNull();
  });
});

describe("rooted links against changing bases", () => {
  it("resolves each link against its own base, in any order", () => {
    expect(canonicalUrl("/a?utm_source=x&id=1", "https://One.example/feed")).toBe(
      "https://one.example/a?id=1",
    );
    expect(canonicalUrl("/a", "http://two.example/x/")).toBe("http://two.example/a");
    expect(canonicalUrl("/a", "https://xn--bcher-kva.example/")).toBe(
      "https://xn--bcher-kva.example/a",
    );
    expect(canonicalUrl("/b", "https://One.example/feed")).toBe("https://one.example/b");
  });
});
