/**
 * `feed.xsl`: what a browser shows when someone opens the feed URL instead of
 * giving it to a reader. The Atom and RSS documents name it in an
 * `<?xml-stylesheet?>` instruction (readers ignore it); the browser turns the
 * feed into a page: its title, a note that this is a feed to subscribe to,
 * and each entry's title (a link), date and plain-text summary.
 *
 * Nothing from a feed reaches the page as markup: every value is copied with
 * `xsl:value-of` (text, escaped by the processor), no `disable-output-escaping`
 * anywhere, HTML content is never shown, and only http(s) links become hrefs.
 */

export const FEED_STYLESHEET = `<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="yes"
    doctype-system="about:legacy-compat"/>

  <xsl:variable name="feedTitle" select="/atom:feed/atom:title | /rss/channel/title"/>
  <xsl:variable name="selfUrl"
    select="(/atom:feed/atom:link[@rel='self'] | /rss/channel/atom:link[@rel='self'])[1]/@href"/>

  <xsl:template match="/">
    <html lang="{/atom:feed/@xml:lang | /rss/channel/language}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$feedTitle"/> (feed)</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
          .about { background: #fff8e1; border: 1px solid #f0d98c; border-radius: 6px; padding: .75rem 1rem; }
          .about code { word-break: break-all; }
          article { border-top: 1px solid #ddd; padding: .75rem 0; }
          article h2 { font-size: 1.1rem; margin: 0; }
          time { color: #666; font-size: .9rem; }
          article p { margin: .25rem 0 0; }
        </style>
      </head>
      <body>
        <header>
          <h1><xsl:value-of select="$feedTitle"/></h1>
          <xsl:if test="/atom:feed/atom:subtitle | /rss/channel/description">
            <p><xsl:value-of select="(/atom:feed/atom:subtitle | /rss/channel/description)[1]"/></p>
          </xsl:if>
          <p class="about">This is a web feed. To follow it, copy its address into your feed
            reader: <code id="feed-url"><xsl:value-of select="$selfUrl"/></code></p>
        </header>
        <main>
          <xsl:apply-templates select="/atom:feed/atom:entry | /rss/channel/item"/>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <article>
      <h2><xsl:call-template name="link">
        <xsl:with-param name="href" select="atom:link[@rel='alternate' or not(@rel)][1]/@href"/>
        <xsl:with-param name="text" select="atom:title"/>
      </xsl:call-template></h2>
      <time datetime="{atom:published | atom:updated[not(../atom:published)]}">
        <xsl:value-of select="substring(atom:published | atom:updated[not(../atom:published)], 1, 10)"/>
      </time>
      <xsl:if test="atom:summary[not(@type) or @type='text']">
        <p><xsl:value-of select="atom:summary"/></p>
      </xsl:if>
    </article>
  </xsl:template>

  <xsl:template match="item">
    <article>
      <h2><xsl:call-template name="link">
        <xsl:with-param name="href" select="link"/>
        <xsl:with-param name="text" select="title"/>
      </xsl:call-template></h2>
      <time><xsl:value-of select="pubDate"/></time>
      <!-- description is HTML in RSS: shown only when it is plain text -->
      <xsl:if test="description and not(contains(description, '&lt;')) and not(contains(description, '&amp;'))">
        <p><xsl:value-of select="description"/></p>
      </xsl:if>
    </article>
  </xsl:template>

  <!-- A link only to http(s): never javascript: or data: -->
  <xsl:template name="link">
    <xsl:param name="href"/>
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="starts-with($href, 'https://') or starts-with($href, 'http://')">
        <a href="{$href}"><xsl:value-of select="$text"/></a>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
`;
