// CloudFront Function (cloudfront-js-2.0), on viewer responses: what
// functions/local/serve.ts does for the local feed. A browser opening the
// Atom or RSS feed gets it as application/xml, the only type browsers apply
// the feed's <?xml-stylesheet?> (feed.xsl) to: Chromium shows
// application/atom+xml as raw text. Feed readers and validators ask for feed
// types (or for anything) and get the feed's own type. The body is the same
// for both, so the cache is not split; `Vary: accept` tells browser caches.

// biome-ignore lint/correctness/noUnusedVariables: CloudFront calls it by name
function handler(event) {
  const response = event.response;
  const uri = event.request.uri;
  if (uri !== "/" && uri !== "/feed.atom" && uri !== "/feed.rss") return response;
  if (response.statusCode !== 200) return response;
  const header = event.request.headers.accept;
  const accept = header ? header.value.toLowerCase() : "";
  response.headers.vary = { value: "accept, accept-encoding" };
  const browser =
    accept.indexOf("text/html") !== -1 &&
    accept.indexOf("application/atom+xml") === -1 &&
    accept.indexOf("application/rss+xml") === -1;
  if (browser) response.headers["content-type"] = { value: "application/xml; charset=utf-8" };
  return response;
}
