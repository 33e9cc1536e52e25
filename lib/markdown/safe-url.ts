const SAFE_SCHEMES = new Set(["http", "https", "mailto"]);

/** Percent-decodes what can be decoded; browsers ignore neither encoded nor hidden characters reliably. */
function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The URL scheme as a browser would see it: entity references are already decoded by the markdown
 * parser; here percent-escapes, whitespace and control characters (which browsers strip inside a
 * scheme, as in "java\tscript:") are removed and case is folded.
 */
export function urlScheme(url: string): string | null {
  const bare = decode(decode(url)).replace(
    /[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]/g,
    "",
  );
  const match = /^([a-z][a-z0-9+.-]*):/i.exec(bare);
  return match ? match[1]!.toLowerCase() : null;
}

/**
 * react-markdown's `urlTransform`: keeps http(s), mailto and relative URLs; anything with another
 * scheme (`javascript:`, `vbscript:`, `data:`, `file:` …, however obfuscated) becomes empty.
 */
export function safeUrl(url: string): string {
  const scheme = urlScheme(url);
  return scheme === null || SAFE_SCHEMES.has(scheme) ? url : "";
}

/** Whether a URL leaves the app (absolute http/https), so it opens in a new tab. */
export function isExternalUrl(url: string): boolean {
  const scheme = urlScheme(url);
  return scheme === "http" || scheme === "https" || url.startsWith("//");
}
