// The ByteSpike gateway simulator: a plain node:http server speaking the gateway's wire format plus a /__control API.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FALLBACK_MODELS } from "../gateway/model-table";
import type { WireModelList } from "../gateway/wire";
import { handleChat } from "./chat";
import { RequestLog, ScriptQueue } from "./control";
import { RateMeter } from "./rate-headers";
import { bearerKey, flatHeaders, readBody, sendJson } from "./respond";
import type { RecordedRequest, ScriptedResponse } from "./script-types";
import { gatewayError, NOT_JSON } from "./validate";

export interface SimulatorOptions {
  /** 0 = a random free port (default). */
  port?: number;
  host?: string;
  /** When given, only these bearer keys are accepted; otherwise any non-empty key is. */
  keys?: string[];
  /** Pacing of demo and scripted streams; 0 or less = no pacing. Default 60. */
  tokensPerSecond?: number;
  /** One line per /v1 request on stdout. */
  log?: boolean;
  /** Request body limit before a 413. Default 20 MB. */
  maxBodyBytes?: number;
}

export interface Simulator {
  /** e.g. http://127.0.0.1:4010 (no /v1). */
  url: string;
  port: number;
  close(): Promise<void>;
  /** In-process equivalents of the /__control routes. */
  script(responses: ScriptedResponse[]): void;
  requests(): RecordedRequest[];
  reset(): void;
}

const DEFAULT_MAX_BODY = 20 * 1024 * 1024;

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  const keys = options.keys?.length ? new Set(options.keys) : null;
  const tps = options.tokensPerSecond ?? 60;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const queue = new ScriptQueue();
  const log = new RequestLog();
  const rates = new RateMeter();
  const active = new Set<() => void>();
  const releases = new Set<() => void>();
  const deps = { queue, msPerToken: tps > 0 ? 1000 / tps : 0, active, releases };

  const v1 = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const entry = log.start(req.method ?? "GET", url.pathname + url.search, flatHeaders(req.headers));
    const started = Date.now();
    if (options.log) {
      // setImmediate: let the chat handler's own close listener record closedEarly first.
      res.on("close", () =>
        setImmediate(() => {
          const how = entry.closedEarly ? " client-closed" : entry.completed ? "" : " dropped";
          console.log(
            `${req.method} ${url.pathname} ${entry.status} ${entry.scripted ?? "-"} chunks=${entry.chunksSent} ${Date.now() - started}ms${how}`,
          );
        }),
      );
    }
    const body = await readBody(req, maxBody);
    const parsed = parseJson(body.text);
    if (body.text) log.setBody(entry, parsed === NOT_JSON ? clipRaw(body.text) : parsed, body.bytes);
    const key = bearerKey(req.headers.authorization);
    const authorized = key !== "" && (!keys || keys.has(key));
    const rate = rates.next(authorized ? key : "", authorized);
    const fail = (status: number, code: string, message: string, param: string | null = null) => {
      const e = gatewayError(status, code, message, param);
      entry.status = status;
      sendJson(res, status, e.body, rate);
      entry.completed = true;
    };
    if (body.tooLarge) {
      return fail(
        413,
        "request_too_large",
        `Request body is ${(body.bytes / 1048576).toFixed(1)} MB; the limit is ${(maxBody / 1048576).toFixed(0)} MB.`,
      );
    }
    if (!authorized) {
      return fail(
        401,
        "invalid_api_key",
        key ? "Incorrect API key provided." : "Missing API key: send Authorization: Bearer <key>.",
      );
    }
    if (url.pathname === "/v1/models") {
      if (req.method !== "GET") return fail(405, "method_not_allowed", "Use GET /v1/models.");
      const cap = url.searchParams.get("capability");
      const family = url.searchParams.get("family");
      const list: WireModelList = {
        object: "list",
        data: FALLBACK_MODELS.filter(
          (m) => (!cap || m.capabilities.includes(cap)) && (!family || m.family === family),
        ).map((m) => ({
          object: "model",
          pricing_url: `https://bytespike.ai/models/${m.id}`,
          ...m,
        })),
      };
      entry.status = 200;
      sendJson(res, 200, list, rate);
      entry.completed = true;
      return;
    }
    if (url.pathname === "/v1/chat/completions") {
      if (req.method !== "POST") return fail(405, "method_not_allowed", "Use POST /v1/chat/completions.");
      return handleChat(req, res, entry, parsed, rate, deps);
    }
    return fail(404, "not_found", `No route ${req.method} ${url.pathname}.`);
  };

  const control = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const route = `${req.method} ${url.pathname.replace(/\/+$/, "")}`;
    const body = await readBody(req, maxBody);
    if (route === "GET /__control/health") return sendJson(res, 200, { ok: true });
    if (route === "GET /__control/requests") return sendJson(res, 200, { requests: log.list() });
    if (route === "GET /__control/script") return sendJson(res, 200, { pending: queue.pending });
    if (route === "POST /__control/reset") {
      queue.clear();
      log.clear();
      rates.clear();
      return sendJson(res, 200, { ok: true });
    }
    if (route === "POST /__control/release") {
      const streams = [...releases];
      for (const release of streams) release();
      return sendJson(res, 200, { released: streams.length });
    }
    if (route === "POST /__control/script") {
      const problem = body.tooLarge ? "body too large" : queue.add(parseJson(body.text));
      if (problem) return sendJson(res, 400, { error: problem });
      return sendJson(res, 200, { ok: true, pending: queue.pending });
    }
    return sendJson(res, 404, { error: `No control route ${route}` });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://simulator");
    const handler = url.pathname.startsWith("/__control") ? control : url.pathname.startsWith("/v1") ? v1 : null;
    if (!handler)
      return sendJson(res, 404, {
        error: { type: "invalid_request_error", code: "not_found", message: "Not found", param: null },
      });
    handler(req, res, url).catch((err: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, {
          error: { type: "api_error", code: "simulator_error", message: String(err), param: null },
        });
      else res.destroy();
    });
  });
  // Long stalls in scripted streams must not trip Node's own request timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const cancel of active) cancel();
        active.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    script: (responses) => {
      const problem = queue.add({ responses });
      if (problem) throw new Error(problem);
    },
    requests: () => log.list(),
    reset: () => {
      queue.clear();
      log.clear();
      rates.clear();
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function clipRaw(text: string): string {
  return text.length > 65536 ? `${text.slice(0, 65536)}…` : text;
}
