import "server-only";
import http from "node:http";
import https from "node:https";

// The gateway client's transport (lib/gateway/client.ts): the part of fetch it uses — a POST with a string
// body, an abort signal, the response's status, headers and streamed body as a web Response — on node:http(s)
// with one keep-alive Agent per protocol, so that every reply reuses an open connection to the gateway. Node's
// fetch (undici) costs about 1.5 ms more per request before the request reaches the gateway (its Request, header
// and body conversions), which at one stream is a third of the time-to-first-token budget (bench/RESULTS.md).
// Errors behave like fetch's: a failed connection rejects with a TypeError ("fetch failed", the cause kept), an
// abort rejects with the signal's reason, and an abort or a dropped connection mid-body errors the body's reader.

// An idle connection is closed after 4 s (undici's default too), or 1 s before the gateway's Keep-Alive: timeout
// hint when that is shorter (node's Agent applies the hint only under its own timeout), so that a request is not
// sent on a connection the gateway is closing at that moment.
const IDLE_MS = 4_000;
const agents = {
  "http:": new http.Agent({ keepAlive: true, timeout: IDLE_MS }),
  "https:": new https.Agent({ keepAlive: true, timeout: IDLE_MS }),
};

/** Statuses whose Response may not have a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

const networkError = (cause: unknown) => new TypeError("fetch failed", { cause });

export const gatewayFetch = ((input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
  const url = typeof input === "string" ? new URL(input) : input instanceof URL ? input : new URL(input.url);
  const transport = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
  if (!transport) return Promise.reject(networkError(new Error(`unsupported protocol ${url.protocol}`)));
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const body = typeof init.body === "string" ? Buffer.from(init.body) : undefined;
  if (init.body != null && body === undefined) return Promise.reject(new TypeError("gatewayFetch sends string bodies"));
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, key) => (headers[key] = value));
  if (body) headers["content-length"] = String(body.byteLength);

  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    /** Errors the body once the response has been handed over. */
    let failBody: ((err: unknown) => void) | undefined;
    const req = transport.request(url, {
      method: init.method ?? "GET",
      headers,
      agent: agents[url.protocol as keyof typeof agents],
    });
    const onAbort = () => {
      const reason: unknown = signal!.reason;
      req.destroy();
      if (!settled) {
        settled = true;
        reject(reason);
      } else failBody?.(reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => signal?.removeEventListener("abort", onAbort);

    req.on("error", (err) => {
      done();
      if (settled) return failBody?.(networkError(err));
      settled = true;
      reject(networkError(err));
    });
    req.on("response", (res) => {
      settled = true;
      const responseHeaders = new Headers();
      const raw = res.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.append(raw[i]!, raw[i + 1]!);
      const status = res.statusCode ?? 0;
      if (NULL_BODY.has(status)) {
        done();
        res.resume();
        resolve(new Response(null, { status, statusText: res.statusMessage ?? "", headers: responseHeaders }));
        return;
      }
      let closed = false;
      const stream = new ReadableStream<Uint8Array>(
        {
          start(controller) {
            failBody = (err) => {
              if (closed) return;
              closed = true;
              controller.error(err);
            };
            res.on("data", (chunk: Buffer) => {
              if (closed) return;
              controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
              if ((controller.desiredSize ?? 1) <= 0) res.pause();
            });
            res.on("end", () => {
              done();
              if (closed) return;
              closed = true;
              controller.close();
            });
            res.on("error", (err) => failBody?.(networkError(err)));
            // The connection went away before the body ended.
            res.on("close", () => {
              done();
              if (!res.complete) failBody?.(networkError(new Error("the response ended early")));
            });
          },
          pull() {
            res.resume();
          },
          cancel() {
            closed = true;
            done();
            res.destroy();
          },
        },
        { highWaterMark: 16 },
      );
      resolve(new Response(stream, { status, statusText: res.statusMessage ?? "", headers: responseHeaders }));
    });
    req.end(body);
  });
}) as typeof fetch;
