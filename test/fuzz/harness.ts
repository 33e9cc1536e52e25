import fc from "fast-check";
import type { FuzzContext, FuzzRequest, FuzzTarget } from "./targets";

// Drives one fuzz target over real HTTP and checks what every answer must be, whatever was sent:
// no 5xx, an answer within the time limit (the server never hangs or dies), no stack trace, server
// path or SQL in the body, and from our own routes a 4xx is the AppError JSON in both languages.

/** Leaks a response must never contain (unless it is echoing the request's own text). */
const LEAKS: Array<[string, RegExp]> = [
  ["a stack frame", /\bat (?:async )?[\w$.<>[\] ]+ \((?:\/|node:|file:|webpack)[^)]*\)/],
  ["a stack frame", /\n\s+at [^\n]*:\d+:\d+/],
  ["a server path", /(?:\/work\/|\/tmp\/[\w.-]+\/|\/home\/\w+|node_modules\/|\.next\/server|\/usr\/lib\/node)/],
  [
    "a database error",
    /SqliteError|SQLITE_[A-Z]+|PostgresError|syntax error at or near|relation "\w+" does not exist|no such (?:table|column)|constraint failed|violates [\w-]+ constraint|KyselyError/i,
  ],
  [
    "SQL",
    /\b(?:select\s+[\w"*., ]+\s+from\s+"?\w+"?|insert\s+into\s+"?\w+"?|update\s+"?\w+"?\s+set|delete\s+from\s+"?\w+"?)/i,
  ],
  ["a JavaScript error", /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|AggregateError): /],
  [
    "an internal message",
    /Maximum call stack|Cannot read propert|is not a function|is not defined|ECONNREFUSED|ERR_[A-Z_]{4,}/,
  ],
];

export interface CaseResult {
  status: number;
  contentType: string;
  text: string;
}

export interface TargetStats {
  template: string;
  cases: number;
  /** Responses by status. */
  statuses: Record<number, number>;
  ms: number;
}

export interface FuzzOptions {
  numRuns: number;
  seed: number;
  /** Per-request limit for the status line and headers (the body of a stream is not awaited). */
  timeoutMs?: number;
  /** The server's own directory: a response naming it leaks a path. */
  serverRoot?: string;
  /** Log the count every this many cases (the soak run). */
  progressEvery?: number;
}

function requestText(req: FuzzRequest): string {
  const body =
    req.body === undefined ? "" : typeof req.body === "string" ? req.body : Buffer.from(req.body).toString("latin1");
  let url = req.url;
  try {
    url += ` ${decodeURIComponent(req.url)}`;
  } catch {
    // a broken encoding: the raw form is what the server may echo
  }
  return `${url} ${JSON.stringify(req.headers)} ${body} ${Buffer.from(body, "latin1").toString("utf8")}`;
}

/** Why this answer is wrong, or null when it is fine. */
export function judge(target: FuzzTarget, req: FuzzRequest, res: CaseResult, serverRoot?: string): string | null {
  if (res.status >= 500) return `answered ${res.status}: ${res.text.slice(0, 300)}`;
  const sent = requestText(req);
  const leaks: Array<[string, RegExp]> = serverRoot
    ? [...LEAKS, ["the server's directory", new RegExp(serverRoot.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))]]
    : LEAKS;
  for (const [what, pattern] of leaks) {
    const match = pattern.exec(res.text);
    if (match && !sent.includes(match[0]) && !sent.toLowerCase().includes(match[0].toLowerCase())) {
      return `the body shows ${what} (${JSON.stringify(match[0])}): ${res.text.slice(0, 300)}`;
    }
  }
  // A HEAD answer has the headers of the GET and no body.
  if (target.appErrors && res.status >= 400 && res.contentType.includes("json") && req.method !== "HEAD") {
    let payload: { error?: { code?: unknown; message?: Record<string, unknown>; retryable?: unknown } };
    try {
      payload = JSON.parse(res.text) as typeof payload;
    } catch {
      return `answered ${res.status} with JSON that does not parse: ${res.text.slice(0, 200)}`;
    }
    const error = payload.error;
    if (
      typeof error?.code !== "string" ||
      typeof error.message?.["zh-CN"] !== "string" ||
      typeof error.message.en !== "string" ||
      !/[\u4e00-\u9fff]/.test(error.message["zh-CN"]) ||
      typeof error.retryable !== "boolean"
    ) {
      return `answered ${res.status} without the AppError shape: ${res.text.slice(0, 200)}`;
    }
  }
  return null;
}

const TEXTUAL = /json|text\/(?!event-stream)|html|xml|markdown|^$/;

/**
 * A connection the client took from its keep-alive pool may have been closed by the server a moment
 * before (the client's idle timer fires late when this process is starved of CPU): the request then
 * fails with a reset before the server saw it. Such a failure is tried again, a few times, before it
 * counts: a server that resets a request itself resets every attempt.
 */
const SOCKET_ERRORS = /ECONNRESET|EPIPE|UND_ERR_SOCKET|other side closed/;
const SOCKET_ATTEMPTS = 3;
/** How many requests in this process needed another attempt after a pooled connection was reset. */
export const socketRetries = { count: 0 };

/** Sends one request; the body is read when it is text (up to 256 KB), a stream or binary is cancelled. */
export async function send(baseURL: string, req: FuzzRequest, timeoutMs: number): Promise<CaseResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce(baseURL, req, timeoutMs);
    } catch (err) {
      const cause = (err as Error).cause as { cause?: unknown } | undefined;
      const text = `${String(cause)} ${String(cause?.cause)} ${String((cause?.cause as { code?: string })?.code)}`;
      if (attempt >= SOCKET_ATTEMPTS || !SOCKET_ERRORS.test(text)) throw err;
      socketRetries.count++;
    }
  }
}

async function sendOnce(baseURL: string, req: FuzzRequest, timeoutMs: number): Promise<CaseResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(`${baseURL}${req.url}`, {
      method: req.method,
      headers: req.headers,
      body: req.body as BodyInit | undefined,
      redirect: "manual",
      signal: controller.signal,
    });
    const contentType = res.headers.get("content-type") ?? "";
    let text = "";
    if (res.body && TEXTUAL.test(contentType)) {
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        size += value.byteLength;
        if (size > 256 * 1024) {
          await reader.cancel();
          break;
        }
      }
      text = Buffer.concat(chunks).toString("utf8");
    } else {
      await res.body?.cancel();
    }
    return { status: res.status, contentType, text };
  } catch (err) {
    if (controller.signal.aborted) throw new Error(`no answer within ${timeoutMs} ms`, { cause: err });
    throw new Error(`the request failed (is the server still up?): ${String((err as Error)?.cause ?? err)}`, {
      cause: err,
    });
  } finally {
    clearTimeout(timer);
  }
}

function describe(req: FuzzRequest): string {
  const body =
    req.body === undefined
      ? "(none)"
      : typeof req.body === "string"
        ? JSON.stringify(req.body.length > 300 ? `${req.body.slice(0, 300)}… (${req.body.length} chars)` : req.body)
        : `${req.body.byteLength} bytes ${Buffer.from(req.body.subarray(0, 64)).toString("hex")}`;
  return `${req.method} ${req.url.slice(0, 300)}\nheaders: ${JSON.stringify(req.headers).slice(0, 600)}\nbody: ${body}`;
}

/**
 * Runs `numRuns` cases of one target with fast-check; throws (with the seed, the route and the shrunk
 * request) on the first wrong answer. Shrinking is limited: each step is a real HTTP request.
 */
export async function fuzzTarget(target: FuzzTarget, ctx: FuzzContext, options: FuzzOptions): Promise<TargetStats> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const stats: TargetStats = { template: target.template, cases: 0, statuses: {}, ms: 0 };
  const started = performance.now();
  const property = fc.asyncProperty(target.request(ctx), async (req) => {
    stats.cases++;
    if (options.progressEvery && stats.cases % options.progressEvery === 0) {
      console.log(
        `[fuzz] ${target.template}: ${stats.cases} cases, ${Math.round((performance.now() - started) / 1000)} s`,
      );
    }
    const res = await send(ctx.baseURL, req, timeoutMs);
    stats.statuses[res.status] = (stats.statuses[res.status] ?? 0) + 1;
    const problem = judge(target, req, res, options.serverRoot);
    if (problem) throw new Error(`${problem}\nrequest: ${describe(req)}`);
  });
  const details = await fc.check(property, { numRuns: options.numRuns, seed: options.seed, endOnFailure: false });
  stats.ms = performance.now() - started;
  if (details.failed) {
    const counterexample = details.counterexample?.[0] as FuzzRequest | undefined;
    throw new Error(
      [
        `fuzz ${target.template} failed after ${details.numRuns} cases (seed ${details.seed}; rerun with FUZZ_SEED=${details.seed} FUZZ_ROUTE=${target.template})`,
        details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance),
        counterexample ? `shrunk request: ${describe(counterexample)}` : "",
      ].join("\n"),
    );
  }
  return stats;
}

/** The server still answers an ordinary request. */
export async function assertHealthy(ctx: FuzzContext): Promise<void> {
  const res = await send(
    ctx.baseURL,
    { method: "GET", url: "/api/models", headers: { cookie: ctx.cookies.user } },
    30_000,
  );
  if (res.status !== 200)
    throw new Error(`after fuzzing, GET /api/models answered ${res.status}: ${res.text.slice(0, 200)}`);
}
