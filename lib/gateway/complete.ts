import "server-only";
import { AppError } from "@/lib/errors";
import { abortableSleep, defaultTarget, isAbort, type OpenStreamOptions } from "./client";
import { mapHttpError, parseGatewayErrorBody } from "./error-map";
import { readRateInfo, type RateInfo } from "./rate-info";
import { retryDelayMs, type AttemptFailure } from "./retry";
import type { WireChatRequest, WireCompletion, WireUsage } from "./wire";

// A small non-streamed completion (conversation titles): the same key, retry rules and error
// mapping as the streamed path, but one JSON body back instead of SSE.

export type CompleteOptions = Omit<OpenStreamOptions, "idleTimeoutMs"> & {
  /** Gives up on a silent gateway after this long. */
  timeoutMs?: number;
};

export interface Completion {
  text: string;
  finishReason: string | undefined;
  usage: WireUsage | undefined;
  rate: RateInfo;
  attempts: number;
}

export async function completeChat(body: WireChatRequest, options: CompleteOptions): Promise<Completion> {
  const target = options.target ?? defaultTarget();
  const doFetch = options.fetchImpl ?? fetch;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const payload = JSON.stringify({ ...body, stream: false });
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs ?? 30_000)]);

  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await doFetch(`${target.baseUrl}/chat/completions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${target.apiKey}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: payload,
        signal,
      });
    } catch (err) {
      if (isAbort(err, signal)) throw err;
      const failure: AttemptFailure = { kind: "network" };
      const delay = retryDelayMs(failure, attempt, now(), random);
      if (delay === null) throw new AppError("network_error", undefined, { cause: err });
      options.onRetry?.({ attempt, delayMs: delay, failure });
      await sleep(delay, signal);
      continue;
    }

    const rate = readRateInfo(response.headers);
    const text = await response.text().catch(() => "");
    if (response.ok) return { ...readCompletion(text), rate, attempts: attempt };

    const errorBody = parseGatewayErrorBody(text);
    const failure: AttemptFailure = {
      kind: "http",
      status: response.status,
      code: errorBody.code,
      resetAtMs: rate.resetAtMs,
    };
    const delay = retryDelayMs(failure, attempt, now(), random);
    if (delay === null) throw mapHttpError(response.status, errorBody, rate, { model: body.model, attempts: attempt });
    options.onRetry?.({ attempt, delayMs: delay, failure });
    await sleep(delay, signal);
  }
}

function readCompletion(text: string): Pick<Completion, "text" | "finishReason" | "usage"> {
  let value: WireCompletion;
  try {
    value = JSON.parse(text) as WireCompletion;
  } catch {
    // A 200 is never retried (it may have been billed): a body we cannot read is an error.
    throw new AppError("upstream_error", { detail: "unreadable completion" });
  }
  const choice = value?.choices?.[0];
  if (!choice) throw new AppError("upstream_error", { detail: "completion without choices" });
  return { text: choice.message?.content ?? "", finishReason: choice.finish_reason, usage: value.usage };
}
