import fc from "fast-check";
import { CHANNEL_OPTIONS, KINDS, LANGUAGES, LENGTHS, TONES } from "@/lib/announcements/kinds";
import {
  anyJson,
  anyNumber,
  anyString,
  bodyText,
  contentTypeArb,
  extraHeadersArb,
  headerSafe,
  idArb,
  looseRecord,
  numberText,
  pathSegment,
  queryArb,
} from "./arbitraries";

// One fuzz target per route file under app/ (test/fuzz/route-fuzz.test.ts checks that none is
// missing): the methods it exports plus odd ones, its path parameters, query and body, each drawn
// from plausible and hostile values around the route's zod schema.

/** What the fuzzer knows about the server under test: who it signs in as, and real ids to aim at. */
export interface FuzzContext {
  baseURL: string;
  /** Session cookies (the whole Cookie header value) of a staff member, an admin and a throwaway staff account. */
  cookies: { user: string; admin: string; throwaway: string };
  ids: {
    /** The staff member's own conversations. */
    conversations: string[];
    /** More of them, for the routes that delete (the others keep theirs). */
    spareConversations: string[];
    images: string[];
    announcements: string[];
    spareAnnouncements: string[];
    announcementVersions: string[];
    /** Accounts an admin may act on (never the staff member or the admin themselves). */
    users: string[];
  };
}

export interface FuzzRequest {
  method: string;
  /** Path and query, e.g. /api/conversations/abc?x=1. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface FuzzTarget {
  /** The route's template, e.g. /api/conversations/[id] (route groups removed, as e2e/routes.ts names them). */
  template: string;
  /** better-auth's own endpoints answer in their own error shape, not AppError. */
  appErrors: boolean;
  request(ctx: FuzzContext): fc.Arbitrary<FuzzRequest>;
}

type Who = "user" | "admin" | "throwaway";

const ODD_METHODS = ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "PROPFIND", "TRACE-X", "get"];

function methodArb(methods: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...methods) },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_METHODS.filter((m) => m !== "TRACE-X")) },
  );
}

/**
 * A URL at most ~6,000 characters once the client has percent-encoded it (raw CJK grows ninefold):
 * Next.js echoes a URL into a redirect's Location, and a longer one only overflows the client's
 * 16 KB header limit — the server's answer could not be read.
 */
function fitUrl(path: string, query: string): string {
  const encodedLength = (p: string, q: string) => {
    const url = new URL(`${p}${q}`, "http://fuzz.invalid");
    return url.pathname.length + url.search.length;
  };
  let p = path;
  let q = query;
  while (encodedLength(p, q) > 6000) {
    if (q.length > 0) q = q.slice(0, Math.floor(q.length / 2));
    else p = p.slice(0, Math.floor(p.length / 2));
  }
  return `${p}${q}`;
}

/** The Cookie header: the session (mostly), none, forged, garbage around it, or repeated. */
function cookieArb(ctx: FuzzContext, who: Who): fc.Arbitrary<string | undefined> {
  const session = ctx.cookies[who];
  return fc.oneof(
    { weight: 14, arbitrary: fc.constant(session) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        "glm-chat.session_token=forged.signature",
        "glm-chat.session_token=",
        "glm-chat.session_token",
        `${session}; ${session}`,
        `glm-chat.session_token=x; ${session}`,
        `${session}%00`,
        ";;;==;",
        "NEXT_LOCALE=en; glm-chat.locale=../../x",
        session.replace(/=/, "=%"),
      ),
    },
    { weight: 1, arbitrary: fc.tuple(anyString, anyString).map(([k, v]) => headerSafe(`${session}; ${k}=${v}`)) },
  );
}

/** Origin: our own (as the browser sends it), none (as curl), or anything else. */
function originArb(ctx: FuzzContext): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant(ctx.baseURL) },
    { weight: 3, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("null", "https://evil.example", "http://", "::::", "http://127.0.0.1", "file://"),
    },
    { weight: 1, arbitrary: anyString.map(headerSafe) },
  );
}

interface Shape {
  template: string;
  who: Who;
  methods: string[];
  appErrors?: boolean;
  /** The real ids for each [param] of the template (bogus ones are generated around them). */
  params?: (ctx: FuzzContext) => Record<string, string[]>;
  query?: (ctx: FuzzContext) => fc.Arbitrary<string>;
  body?: (ctx: FuzzContext) => fc.Arbitrary<string | Uint8Array | undefined>;
  /** A body the route's schema accepts (with hostile text inside), for the clean third of the cases. */
  valid?: (ctx: FuzzContext) => fc.Arbitrary<unknown>;
  /** Replace the generated path (better-auth's catch-all). */
  path?: (ctx: FuzzContext) => fc.Arbitrary<string>;
  /** Headers every request of this target carries (before fuzzed ones). */
  fixedHeaders?: () => fc.Arbitrary<Record<string, string>>;
}

function target(shape: Shape): FuzzTarget {
  return {
    template: shape.template,
    appErrors: shape.appErrors ?? true,
    request(ctx) {
      const real = shape.params?.(ctx) ?? {};
      const params = Object.fromEntries(Object.entries(real).map(([k, ids]) => [k, idArb(ids)]));
      const pathArb: fc.Arbitrary<string> = shape.path
        ? shape.path(ctx)
        : fc
            .tuple(fc.record(params), fc.nat({ max: 15 }))
            .map(([values, how]) =>
              shape.template.replace(/\[(\w+)\]/g, (_, name: string) =>
                pathSegment(values[name] ?? "", how < 12 ? 0 : how),
              ),
            );
      // A third of the cases are clean requests (the session, our origin, JSON, a real id, a body the
      // schema accepts) with hostile text inside, so that they reach the route's real work.
      const clean = fc
        .record({
          method: fc.constantFrom(...shape.methods),
          path: shape.path
            ? shape.path(ctx)
            : fc
                .record(
                  Object.fromEntries(
                    Object.entries(real).map(([k, ids]) => [
                      k,
                      fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.uuid() }),
                    ]),
                  ),
                )
                .map((values) =>
                  shape.template.replace(/\[(\w+)\]/g, (_, name: string) => encodeURIComponent(values[name] ?? "")),
                ),
          query: shape.query?.(ctx) ?? fc.constant(""),
          body: shape.valid
            ? shape.valid(ctx).map((v) => JSON.stringify(v))
            : (shape.body?.(ctx) ?? fc.constant(undefined)),
          fixed: shape.fixedHeaders?.() ?? fc.constant({}),
        })
        .map(({ method, path, query, body, fixed }) => ({
          method,
          url: `${path}${query}`,
          headers: {
            ...fixed,
            cookie: ctx.cookies[shape.who],
            origin: ctx.baseURL,
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
          } as Record<string, string>,
          ...(body !== undefined && !["GET", "HEAD"].includes(method) ? { body } : {}),
        }));
      const hostile = fc
        .record({
          method: methodArb(shape.methods),
          path: pathArb,
          query: shape.query?.(ctx) ?? fc.option(queryArb({}), { freq: 6 }).map((q) => q ?? ""),
          body: shape.body?.(ctx) ?? fc.constant(undefined),
          cookie: cookieArb(ctx, shape.who),
          origin: originArb(ctx),
          contentType: contentTypeArb,
          extra: extraHeadersArb,
          fixed: shape.fixedHeaders?.() ?? fc.constant({}),
          trailingSlash: fc.nat({ max: 30 }),
        })
        .map(({ method, path, query, body, cookie, origin, contentType, extra, fixed, trailingSlash }) => {
          const headers: Record<string, string> = { ...fixed, ...extra };
          if (cookie !== undefined) headers.cookie = cookie;
          if (origin !== undefined) headers.origin = origin;
          if (contentType !== undefined && body !== undefined) headers["content-type"] = contentType;
          const canHaveBody = !["GET", "HEAD", "get"].includes(method);
          return {
            method,
            // The query is cut at 4,000 characters: Next.js echoes a URL into a redirect's Location, and a
            // longer one only overflows the client's header limit.
            url: fitUrl(`${path}${trailingSlash === 0 ? "/" : ""}`, query.slice(0, 4000)),
            headers,
            ...(canHaveBody && body !== undefined ? { body } : {}),
          };
        });
      return fc.oneof({ weight: 1, arbitrary: clean }, { weight: 2, arbitrary: hostile });
    },
  };
}

// ----- bodies around the real schemas -----

/** Text a schema accepts (not blank, at most `max` UTF-16 units), hostile inside. */
function nonBlank(max: number): fc.Arbitrary<string> {
  return anyString.map((t) => t.slice(0, max)).filter((t) => t.trim().length > 0);
}

const shortText = fc.oneof(fc.constantFrom("你好", "hi", "1+1=?", "写一句话"), anyString);

function chatBody(ctx: FuzzContext): fc.Arbitrary<string | Uint8Array | undefined> {
  const imageUrl = fc.oneof(
    fc.constantFrom(
      ...ctx.ids.images.map((id) => `/api/images/${id}`),
      "/api/images/../admin",
      "data:image/png;base64,AAAA",
    ),
    fc.uuid().map((id) => `/api/images/${id}`),
    anyString,
  );
  const part = fc.oneof(
    { weight: 6, arbitrary: looseRecord({ type: fc.constant("text"), text: shortText }) },
    {
      weight: 2,
      arbitrary: looseRecord({
        type: fc.constant("file"),
        mediaType: fc.constantFrom("image/png", "image/jpeg", "image/svg+xml", "text/html"),
        url: imageUrl,
        filename: anyString,
      }),
    },
    {
      weight: 1,
      arbitrary: looseRecord({
        type: fc.constantFrom("reasoning", "step-start", "tool-x", "dynamic-tool", "source-url", "data-x"),
        text: anyString,
        state: anyString,
        extra: anyJson,
      }),
    },
  );
  const message = looseRecord({
    id: fc.oneof({ weight: 5, arbitrary: fc.uuid() }, { weight: 1, arbitrary: idArb(ctx.ids.conversations) }),
    role: fc.oneof({ weight: 5, arbitrary: fc.constant("user") }, fc.constantFrom("assistant", "system", "tool")),
    parts: fc.array(part, { minLength: 1, maxLength: 3 }),
    metadata: anyJson,
  });
  const body = looseRecord({
    id: fc.oneof(fc.uuid(), idArb(ctx.ids.conversations)),
    messages: fc.array(message, { minLength: 1, maxLength: 2 }),
    model: fc.oneof(fc.constantFrom("glm-5-1", "glm-4.5v", "glm-4-flash"), anyString),
    settings: looseRecord({
      maxTokens: fc.oneof(fc.integer({ min: 1, max: 24 }), anyNumber),
      temperature: fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), anyNumber),
      thinking: fc.boolean(),
      system: shortText,
      tools: fc.boolean(),
    }),
    trigger: fc.option(fc.constantFrom("submit-message", "regenerate-message", "x"), { nil: undefined }),
    messageId: fc.option(idArb(ctx.ids.conversations), { nil: undefined, freq: 3 }),
    continue: fc.option(fc.boolean(), { nil: undefined, freq: 3 }),
    omitImages: fc.option(fc.boolean(), { nil: undefined }),
    firstMessageId: fc.option(idArb([]), { nil: undefined, freq: 4 }),
  });
  return bodyText(body);
}

function studioBody(ctx: FuzzContext): fc.Arbitrary<string | Uint8Array | undefined> {
  const form = looseRecord({
    kind: fc.constantFrom(...KINDS, "x"),
    department: shortText,
    channel: fc.constantFrom(...CHANNEL_OPTIONS),
    tone: fc.constantFrom(...TONES),
    length: fc.constantFrom(...LENGTHS),
    language: fc.constantFrom(...LANGUAGES),
    fields: fc.dictionary(
      fc.constantFrom(
        "productName",
        "releaseDate",
        "highlights",
        "startAt",
        "endAt",
        "systems",
        "impact",
        "contact",
        "x",
      ),
      fc.oneof(shortText, fc.constantFrom("2026-02-30", "2026-13-01", "2026-11-27", "2026-11-27T25:61", "0000-00-00")),
      { maxKeys: 6 },
    ),
  });
  return bodyText(
    looseRecord({
      form,
      announcementId: idArb(ctx.ids.announcements),
      revision: looseRecord({ versionId: idArb(ctx.ids.announcementVersions), instruction: shortText }),
    }),
  );
}

/** A small real image of each kind, then damaged: bits flipped, cut short, header fields rewritten. */
function imageBody(seeds: Uint8Array[]): fc.Arbitrary<string | Uint8Array | undefined> {
  const damaged = fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 6 }), fc.nat())
    .map(([seed, flips, cut]) => {
      const bytes = new Uint8Array(seed);
      for (const [at, value] of flips) bytes[at % bytes.length] = value;
      return cut % 3 === 0 ? bytes.subarray(0, cut % bytes.length) : bytes;
    });
  const magic = fc
    .tuple(
      fc.constantFrom(
        [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
        [0xff, 0xd8, 0xff],
        [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
        [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50],
        [0x50, 0x4b, 0x03, 0x04],
        [0x25, 0x50, 0x44, 0x46, 0x2d],
      ),
      fc.uint8Array({ maxLength: 300 }),
    )
    .map(([head, tail]) => Uint8Array.from([...head, ...tail]));
  return fc.oneof(
    { weight: 4, arbitrary: damaged },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    { weight: 3, arbitrary: magic },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 500 }) },
    { weight: 1, arbitrary: anyString },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const AUTH_ENDPOINTS = [
  "sign-in/email",
  "sign-up/email",
  "sign-out",
  "get-session",
  "list-sessions",
  "revoke-session",
  "revoke-sessions",
  "revoke-other-sessions",
  "update-user",
  "change-password",
  "change-email",
  "delete-user",
  "request-password-reset",
  "forget-password",
  "reset-password",
  "verify-email",
  "send-verification-email",
  "sign-in/social",
  "sign-in/oauth2",
  "oauth2/callback/oidc",
  "callback/oidc",
  "admin/list-users",
  "admin/create-user",
  "admin/set-role",
  "admin/ban-user",
  "admin/unban-user",
  "admin/impersonate-user",
  "admin/stop-impersonating",
  "admin/set-user-password",
  "admin/list-user-sessions",
  "admin/revoke-user-session",
  "admin/has-permission",
  "ok",
  "error",
];

/** Every route under app/ and how to call it. */
export function fuzzTargets(imageSeeds: Uint8Array[]): FuzzTarget[] {
  const conversationId = (ctx: FuzzContext) => ({ id: ctx.ids.conversations });
  const spareConversationId = (ctx: FuzzContext) => ({ id: ctx.ids.spareConversations });
  const announcementId = (ctx: FuzzContext) => ({ id: ctx.ids.announcements });
  const spareAnnouncementId = (ctx: FuzzContext) => ({ id: ctx.ids.spareAnnouncements });
  const userId = (ctx: FuzzContext) => ({ id: ctx.ids.users });
  const anyBody = () => bodyText(anyJson);
  return [
    target({
      template: "/api/chat",
      who: "user",
      methods: ["POST"],
      body: chatBody,
      // A new chat with one hostile question; short replies (the simulator answers).
      valid: () =>
        fc.record({
          // Unbiased: fast-check's small-value bias would repeat ids, and ids are unique across users.
          id: fc.noBias(fc.uuid()),
          messages: fc
            .tuple(fc.noBias(fc.uuid()), nonBlank(2000))
            .map(([id, text]) => [{ id, role: "user", parts: [{ type: "text", text }] }]),
          settings: fc.record({ maxTokens: fc.integer({ min: 1, max: 16 }), tools: fc.constant(false) }),
        }),
    }),
    target({ template: "/api/chat/[id]/stop", who: "user", methods: ["POST"], params: conversationId, body: anyBody }),
    target({ template: "/api/chat/[id]/stream", who: "user", methods: ["GET"], params: conversationId }),
    target({
      template: "/api/conversations",
      who: "user",
      methods: ["GET"],
      query: () => queryArb({ cursor: fc.oneof(anyString, fc.base64String({ maxLength: 60 })), limit: numberText }),
    }),
    target({
      template: "/api/conversations/[id]",
      who: "user",
      methods: ["GET", "PATCH", "DELETE"],
      params: spareConversationId,
      body: () => bodyText(looseRecord({ title: shortText })),
      valid: () => fc.record({ title: nonBlank(200) }),
    }),
    target({ template: "/api/conversations/[id]/export", who: "user", methods: ["GET"], params: conversationId }),
    target({
      template: "/api/conversations/[id]/restore",
      who: "user",
      methods: ["POST"],
      params: spareConversationId,
    }),
    target({
      template: "/api/conversations/search",
      who: "user",
      methods: ["GET"],
      query: () => queryArb({ q: fc.oneof(shortText, fc.constantFrom("%", "_", "\\", "%_%", "'", '"', "*", "NEAR(")) }),
    }),
    target({ template: "/api/images", who: "user", methods: ["POST"], body: () => imageBody(imageSeeds) }),
    target({
      template: "/api/images/[id]",
      who: "user",
      methods: ["GET"],
      params: (ctx) => ({ id: ctx.ids.images }),
      fixedHeaders: () =>
        fc.option(
          fc.record({
            "if-none-match": fc.oneof(fc.constantFrom("*", 'W/"x"', '"a", "b"', ",,,"), anyString.map(headerSafe)),
          }),
          { freq: 3, nil: {} },
        ),
    }),
    target({ template: "/api/models", who: "user", methods: ["GET"] }),
    target({ template: "/api/announcements", who: "user", methods: ["GET"] }),
    target({ template: "/api/announcements/generate", who: "user", methods: ["POST"], body: studioBody }),
    target({
      template: "/api/announcements/[id]",
      who: "user",
      methods: ["GET", "DELETE"],
      params: spareAnnouncementId,
    }),
    target({
      template: "/api/announcements/[id]/docx",
      who: "user",
      methods: ["GET"],
      params: announcementId,
      query: (ctx) => queryArb({ version: idArb(ctx.ids.announcementVersions) }),
    }),
    target({
      template: "/api/admin/users",
      who: "admin",
      methods: ["GET", "POST"],
      body: () =>
        bodyText(
          looseRecord({
            email: fc.oneof(
              fc.nat().map((n) => `fuzz-${n}@fuzz.example.com`),
              fc.constantFrom("a@b", "@", "x@y.z\u0000", "<script>@x.com", "a@b.c".padStart(250, "a")),
              anyString,
            ),
            name: shortText,
            password: fc.oneof(fc.constant("fuzz-password-123"), anyString),
            role: fc.constantFrom("user", "admin", "superadmin"),
          }),
        ),
      valid: () =>
        fc.record({
          email: fc.nat().map((n) => `fuzz-valid-${n}-${Date.now().toString(36)}@fuzz.example.com`),
          name: nonBlank(100),
          password: fc.constant("fuzz-password-123"),
        }),
    }),
    target({
      template: "/api/admin/users/[id]",
      who: "admin",
      methods: ["PATCH"],
      params: userId,
      body: () =>
        bodyText(
          looseRecord({
            banned: fc.boolean(),
            tokensPerDay: fc.oneof(fc.constant(null), fc.nat(), anyNumber),
            maxConcurrent: fc.oneof(fc.constant(null), fc.nat({ max: 5 }), anyNumber),
          }),
        ),
      valid: () =>
        fc.record(
          { banned: fc.boolean(), tokensPerDay: fc.option(fc.nat()), maxConcurrent: fc.option(fc.nat({ max: 5 })) },
          { requiredKeys: [] },
        ),
    }),
    target({
      template: "/api/admin/users/[id]/password",
      who: "admin",
      methods: ["POST"],
      params: userId,
      body: () => bodyText(looseRecord({ password: fc.oneof(fc.constant("another-password-1"), anyString) })),
      valid: () => fc.record({ password: nonBlank(128).filter((p) => p.length >= 8) }),
    }),
    target({
      template: "/api/admin/usage",
      who: "admin",
      methods: ["GET"],
      query: () => queryArb({ days: numberText }),
    }),
    target({
      template: "/api/auth/[...all]",
      who: "throwaway",
      methods: ["GET", "POST"],
      appErrors: false,
      path: () =>
        fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...AUTH_ENDPOINTS).map((e) => `/api/auth/${e}`) },
          {
            weight: 1,
            arbitrary: fc
              .tuple(fc.array(anyString, { minLength: 1, maxLength: 3 }), fc.nat({ max: 3 }))
              .map(([segments, how]) => `/api/auth/${segments.map((s) => pathSegment(s, how)).join("/")}`),
          },
        ),
      query: () =>
        queryArb({
          callbackURL: fc.constantFrom("https://evil.example", "javascript:alert(1)", "/", "//evil.example"),
          token: anyString,
          code: anyString,
          state: anyString,
        }),
      body: (ctx) =>
        bodyText(
          looseRecord({
            email: fc.constantFrom("admin@e2e.example.com", "nobody@example.com", "x"),
            password: anyString,
            name: shortText,
            userId: idArb(ctx.ids.users),
            role: fc.constantFrom("user", "admin"),
            token: anyString,
            callbackURL: fc.constantFrom("https://evil.example", "/", "javascript:alert(1)"),
            provider: fc.constantFrom("oidc", "github", "x"),
            newPassword: anyString,
            currentPassword: anyString,
          }),
        ),
      // A client address of its own per request, so the sign-in rate limit never blocks anyone else's IP.
      fixedHeaders: () =>
        fc
          .tuple(fc.nat({ max: 255 }), fc.nat({ max: 255 }))
          .map(([a, b]) => ({ "x-forwarded-for": `10.250.${a}.${b}` })),
    }),
  ];
}
