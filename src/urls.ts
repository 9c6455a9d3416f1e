/** Site path of an item's page. Feeds, pages and the static export all link items through this one function. */
export function itemPath(key: string): string {
  return `/items/${encodeURIComponent(key)}`;
}

/**
 * Makes every href and src in sanitized HTML absolute against `base`. Feed
 * readers show content away from the site, where a relative URL would point
 * nowhere (the W3C validator's ContainsRelRef). Sanitized markup always
 * quotes attributes with double quotes, which is what makes a pattern safe here.
 */
export function absolutizeUrls(html: string, base: string): string {
  return html.replace(/\b(href|src)="([^"]*)"/g, (whole, attr: string, value: string) => {
    const url = decodeAttr(value);
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return whole;
    try {
      return `${attr}="${new URL(url, base).href.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`;
    } catch {
      return whole;
    }
  });
}

function decodeAttr(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
