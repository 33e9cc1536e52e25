import fc from "fast-check";

// Building blocks of hostile input: strings that break naive code (unicode, bidi, NUL, lone surrogates,
// huge), numbers at the edges, JSON of any shape, and bodies that are not JSON at all. Values are
// chosen so that no generated text looks like a stack trace, a server path or SQL: a response that
// contains one of those (and did not just echo the request) is a leak, never a false alarm.

/** Strings known to trip parsers, renderers and SQL; none of them looks like a leak. */
export const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u202Eevil\u202C",
  "\u2066\u2067\u2068\u2069",
  "\uFEFF",
  "\uD800",
  "\uDC00x",
  "\u0085\u2028\u2029",
  "𠮷野家🧑‍💻👩🏽‍🚀",
  "Z̵̡̢̛̗͇̩̗̼̤̼a̴̢̛̬̰̰l̷̢g̶o̵",
  "../../../../etc/passwd",
  "..%2F..%2F..%2Fetc%2Fpasswd",
  "%00",
  "%",
  "%E0%A4%A",
  "' OR '1'='1",
  "'; DROP TABLE conversations; --",
  '"',
  "\\",
  "\\u0000",
  "{{7*7}}",
  "${7*7}",
  "<script>window.__xssCanary=1</script>",
  '<img src=x onerror="window.__xssCanary=1">',
  "javascript:alert(1)",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e309",
  "0x10",
  "true",
  "[]",
  "{}",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "今天天气怎么样",
  "a".repeat(129),
  "字".repeat(201),
  "\t\r\n",
  "\r\n\r\nGET / HTTP/1.1",
];

/** Any text: full unicode (lone surrogates included), ASCII, the nasty list, now and then a large one. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme-ascii", maxLength: 40 }) },
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("x", "字", "\u202E", "\u0000", "🧑‍💻"), fc.integer({ min: 200, max: 70_000 }))
      .map(([unit, n]) => unit.repeat(n)),
  },
);

/** Numbers at the edges; NaN and Infinity become null in JSON, so raw-text mutations add 1e999 too. */
export const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, -1, 1, 0.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e12, 1e12 + 1, 1e308, Number.MIN_VALUE),
);

/** JSON of any shape, keys included (`__proto__`, empty, unicode). */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    anyNumber,
    anyString,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(anyString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/**
 * An object shaped like `shape`: each field usually a plausible value, sometimes missing, sometimes any
 * JSON; sometimes a stray extra key. Most cases get past the first checks and reach deeper code.
 */
export function looseRecord(shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(shape).map(([key, arb]) =>
    fc.oneof(
      { weight: 16, arbitrary: arb.map((v) => [key, v] as const) },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: anyJson.map((v) => [key, v] as const) },
    ),
  );
  return fc
    .tuple(fc.tuple(...fields), fc.option(fc.dictionary(anyString, anyJson, { maxKeys: 2 }), { freq: 5 }))
    .map(([pairs, extra]) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(extra ?? {}))
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
      for (const pair of pairs) if (pair) out[pair[0]] = pair[1];
      return out;
    });
}

/** An id for a path segment or body field: real ones from the pool, bogus ones of every kind. */
export function idArb(real: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    ...(real.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...real) }] : []),
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: anyString },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("0", "-1", "..", ".", "%2e%2e", "null", "a/b", "a?b", "a#b", "x".repeat(5000)),
    },
  );
}

/** How a value lands in a URL: properly encoded, raw (the URL parser and Next decode what they can), or broken. */
export function pathSegment(whole: string, how: number): string {
  // At most 1,500 characters: a longer URL only meets the HTTP parser's limits (431, or a redirect
  // whose Location overflows the client).
  const value = whole.slice(0, 1500);
  switch (how % 4) {
    case 0:
      return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, "\uFFFD"));
    case 1:
      return value.replace(/[/?#\u0000-\u0020\u007f]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
    case 2:
      return `${encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, "\uFFFD"))}%`;
    default:
      return `%FF%FE${encodeURIComponent(value.slice(0, 10).replace(/[\uD800-\uDFFF]/g, "\uFFFD"))}%C0%AF`;
  }
}

/** A query string: the route's own keys with any values, unknown keys, repeats and broken encodings. */
export function queryArb(keys: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const known = Object.entries(keys).map(([k, arb]) => arb.map((v) => [k, v] as const));
  const pair = fc.oneof(
    { weight: 3, arbitrary: known.length > 0 ? fc.oneof(...known) : fc.tuple(anyString, anyString) },
    { weight: 1, arbitrary: fc.tuple(anyString, anyString) },
  );
  return fc.tuple(fc.array(pair, { maxLength: 4 }), fc.nat({ max: 9 })).map(([pairs, how]) => {
    if (how === 9) return "?%zz=%&&=&a=%E0%A4%A&;=;";
    // Values are cut to 1,000 characters: a longer URL only meets the HTTP parser's header limit (431).
    const parts = pairs.map(
      ([k, v]) => `${pathSegment(k.slice(0, 1000), how % 2)}=${pathSegment(v.slice(0, 1000), how % 3 === 2 ? 1 : 0)}`,
    );
    return parts.length > 0 ? `?${parts.join("&")}` : how % 2 === 0 ? "" : "?";
  });
}

/** Text of a plausible value for a query key: a number, its edges, or anything. */
export const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -5, max: 200 }).map(String),
  fc.constantFrom("1e3", "1e999", "-0", "0x10", "NaN", "Infinity", " 5 ", "5.5", "", "99999999999999999999"),
  anyString,
);

/** What a JSON body arrives as: usually the value, else broken JSON, other encodings, deep nesting, garbage. */
export function bodyText(value: fc.Arbitrary<unknown>): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    { weight: 12, arbitrary: value.map((v) => JSON.stringify(v) ?? "null") },
    { weight: 1, arbitrary: value.map((v) => `\uFEFF${JSON.stringify(v) ?? ""}`) },
    {
      weight: 1,
      arbitrary: fc.tuple(value, fc.nat()).map(([v, n]) => {
        const text = JSON.stringify(v) ?? "";
        return text.slice(0, n % (text.length + 1));
      }),
    },
    {
      weight: 1,
      arbitrary: value.map((v) => (JSON.stringify(v) ?? "").replace(/(:\s*)-?\d+(\.\d+)?(e[+-]?\d+)?/i, "$11e999")),
    },
    { weight: 1, arbitrary: value.map((v) => (JSON.stringify(v) ?? "").replace(/^\{/, '{"a":1,"a":{},')) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("[", '{"a":', '{"parts":['), fc.integer({ min: 1000, max: 200_000 }))
        .map(([open, depth]) => open.repeat(depth)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("[", '{"a":'), fc.integer({ min: 1000, max: 100_000 }))
        .map(([open, depth]) => `${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}`),
    },
    { weight: 1, arbitrary: anyString },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 1, arbitrary: value.map((v) => Buffer.from(JSON.stringify(v) ?? "", "utf16le")) },
  );
}

/** Content-Type values, right and wrong. */
export const contentTypeArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant("application/json") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined,
      "text/plain",
      "application/json; charset=utf-16",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=----x",
      "multipart/form-data",
      "image/png",
      "application/octet-stream",
      "text/html",
      "application/json; charset=\u00ff",
      "*/*",
      "",
      ";;;",
    ),
  },
);

/** Turns any text into what a header can carry: its UTF-8 bytes as latin1 (so raw bytes reach the server). */
export function headerSafe(text: string): string {
  return Buffer.from(text.replace(/[\uD800-\uDFFF]/g, "\uFFFD"), "utf8")
    .toString("latin1")
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, "")
    .trim()
    .slice(0, 1500);
}

/** Extra request headers a hostile client might send. */
export const extraHeadersArb: fc.Arbitrary<Record<string, string>> = fc
  .array(
    fc.oneof(
      fc.tuple(
        fc.constantFrom(
          "accept",
          "accept-language",
          "accept-encoding",
          "if-none-match",
          "if-modified-since",
          "range",
          "x-forwarded-for",
          "x-forwarded-host",
          "x-forwarded-proto",
          "x-real-ip",
          "x-middleware-subrequest",
          "x-nextjs-data",
          "next-router-state-tree",
          "rsc",
          "next-action",
          "x-http-method-override",
          "transfer-encoding-x",
          "authorization",
          "user-agent",
          "referer",
          "expect-ct",
        ),
        anyString.map(headerSafe),
      ),
      fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), anyString.map(headerSafe)),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => Object.fromEntries(pairs.filter(([k]) => k !== "transfer-encoding-x")));
