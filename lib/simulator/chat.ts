// POST /v1/chat/completions after auth: validate, pick a scripted or demo answer, then stream or fold it.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ScriptQueue } from "./control";
import { asksForTitle } from "./demo-reply";
import { demoPlan, fixedContentPlan, scriptedPlan, type Plan, type PlanContext } from "./plan";
import { lowerKeys, sendJson } from "./respond";
import type { RecordedRequest, ScriptedHttpError } from "./script-types";
import { foldCompletion, playStream, totalDelay, type Playback } from "./stream";
import { errorType, validateChatRequest } from "./validate";

export interface ChatDeps {
  queue: ScriptQueue;
  msPerToken: number;
  /** Cancels for in-flight work, so close() can stop every timer. */
  active: Set<() => void>;
  /** Ends the current wait (first byte, stall, slow chunk) of every stream in flight: POST /__control/release. */
  releases?: Set<() => void>;
}

export function handleChat(
  req: IncomingMessage,
  res: ServerResponse,
  entry: RecordedRequest,
  body: unknown,
  rate: Record<string, string>,
  deps: ChatDeps,
): void {
  const v = validateChatRequest(body);
  if (!v.ok) {
    entry.status = v.status;
    sendJson(res, v.status, v.body, rate);
    entry.completed = true;
    return;
  }
  // Scripts describe chat replies: a title request in between must not take one.
  const script = asksForTitle(v.request) ? undefined : deps.queue.take();
  entry.scripted = script?.kind ?? "demo";
  const ctx: PlanContext = { request: v.request, model: v.model, images: v.images, msPerToken: deps.msPerToken };
  const ident = {
    id: `chatcmpl-sim${entry.id.toString(36)}${Date.now().toString(36)}`,
    model: v.model.id,
    created: Math.floor(Date.now() / 1000),
  };

  if (script?.kind === "drop") {
    req.socket.destroy();
    return;
  }
  if (script?.kind === "http-error") {
    entry.status = script.status;
    sendJson(res, script.status, httpErrorBody(script), { ...rate, ...lowerKeys(script.headers) });
    entry.completed = true;
    return;
  }
  let plan: Plan;
  let headers = rate;
  let firstByteDelay = 0;
  let dropAtByte: number | undefined;
  if (script?.kind === "json") plan = fixedContentPlan(ctx, script.content);
  else if (script?.kind === "stream") {
    plan = scriptedPlan(ctx, script);
    headers = { ...rate, ...lowerKeys(script.headers) };
    firstByteDelay = script.firstByteDelayMs ?? 0;
    dropAtByte = script.dropAtByte;
  } else plan = demoPlan(ctx);

  let timer: NodeJS.Timeout | null = null;
  let playback: Playback | null = null;
  let serverClosed = false;
  let begin: (() => void) | null = null;
  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    playback?.cancel();
  };
  const release = () => {
    if (timer && begin) {
      clearTimeout(timer);
      begin();
    } else playback?.release();
  };
  deps.active.add(cancel);
  deps.releases?.add(release);
  res.on("close", () => {
    deps.active.delete(cancel);
    deps.releases?.delete(release);
    if (!entry.completed && !serverClosed) entry.closedEarly = true;
    cancel();
  });

  if (v.request.stream) {
    begin = () => {
      timer = null;
      entry.status = 200;
      res.writeHead(200, {
        ...headers,
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        connection: "keep-alive",
        "x-accel-buffering": "no",
        "x-request-id": ident.id,
      });
      res.flushHeaders();
      playback = playStream(
        res,
        ident,
        plan.steps,
        {
          onChunk: () => void entry.chunksSent++,
          onEnd: (how) => {
            if (how === "drop") serverClosed = true;
            else entry.completed = true;
          },
        },
        dropAtByte === undefined ? {} : { dropAtByte },
      );
    };
    if (firstByteDelay > 0) timer = setTimeout(begin, firstByteDelay);
    else begin();
    return;
  }

  // Non-streaming: wait as long as the stream would have taken, then answer in one body.
  timer = setTimeout(
    () => {
      timer = null;
      const drop = dropAtByte !== undefined || plan.steps.some((s) => s.type === "drop");
      const err = plan.steps.find((s) => s.type === "error");
      if (drop) {
        serverClosed = true;
        req.socket.destroy();
        return;
      }
      if (err?.type === "error") {
        entry.status = 500;
        sendJson(res, 500, { error: { ...err.error, param: null } }, headers);
      } else {
        entry.status = 200;
        sendJson(res, 200, foldCompletion(ident, plan.steps, plan.usage), { ...headers, "x-request-id": ident.id });
      }
      entry.completed = true;
    },
    firstByteDelay + totalDelay(plan.steps),
  );
}

function httpErrorBody(s: ScriptedHttpError): unknown {
  if (s.body !== undefined) return s.body;
  return {
    error: {
      type: s.type ?? errorType(s.status),
      code: s.code ?? defaultCode(s.status),
      message: s.message ?? `Simulated HTTP ${s.status} from the gateway simulator.`,
      param: null,
    },
  };
}

function defaultCode(status: number): string {
  if (status === 401) return "invalid_api_key";
  if (status === 402) return "insufficient_balance";
  if (status === 403) return "permission_denied";
  if (status === 413) return "request_too_large";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "upstream_error";
  return "invalid_param";
}
