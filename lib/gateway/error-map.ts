import { AppError } from "@/lib/errors";
import type { RateInfo } from "./rate-info";

// Maps every way the gateway can say no — HTTP status + OpenAI or Zhipu-native body, a
// mid-stream error frame — to one typed app error.

interface GatewayErrorBody {
  code?: string;
  type?: string;
  message?: string;
}

export function parseGatewayErrorBody(text: string): GatewayErrorBody {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && "error" in value) {
      const error = (value as { error: unknown }).error;
      if (error && typeof error === "object") {
        const { code, type, message } = error as Record<string, unknown>;
        return {
          code: code === undefined || code === null ? undefined : String(code),
          type: typeof type === "string" ? type : undefined,
          message: typeof message === "string" ? message : undefined,
        };
      }
    }
  } catch {
    // A proxy's HTML error page, say: only the status speaks.
  }
  return {};
}

/** HH:MM in Asia/Shanghai, the staff's clock. */
export function formatResetTime(epochMs: number): string {
  return new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(new Date(epochMs));
}

const CONTENT_SAFETY_CODES = new Set(["1301", "sensitive", "content_filter", "content_policy_violation"]);

export function mapHttpError(
  status: number,
  body: GatewayErrorBody,
  rate: RateInfo,
  context: { model: string; attempts: number },
): AppError {
  const code = body.code;
  const detail = (body.message ?? `HTTP ${status}`).slice(0, 300);
  if (code && CONTENT_SAFETY_CODES.has(code)) return new AppError("content_filtered");
  if (code === "1261" || code === "context_length_exceeded") return new AppError("context_length_exceeded");
  if (code === "1113" || code === "insufficient_balance") return new AppError("insufficient_balance");
  switch (status) {
    case 400:
      if (code === "model_not_found") return new AppError("model_not_found", { model: context.model });
      return new AppError("invalid_request", { detail });
    case 401:
      return new AppError("invalid_api_key");
    case 402:
      return new AppError(code === "quota_exceeded" ? "quota_exceeded" : "insufficient_balance");
    case 403:
      if (code === "model_not_in_group") return new AppError("model_not_in_group", { model: context.model });
      return new AppError("permission_denied");
    case 404:
      return new AppError("model_not_found", { model: context.model });
    case 413:
      return new AppError("payload_too_large");
    case 422:
      return new AppError("invalid_request", { detail });
    case 429:
      if (code === "concurrency_limit") return new AppError("concurrency_limited");
      return new AppError("rate_limited", {
        resetAt: rate.resetAtMs === undefined ? "稍后 / later" : formatResetTime(rate.resetAtMs),
        ...(rate.resetAtMs === undefined ? {} : { resetAtMs: rate.resetAtMs }),
      });
  }
  if (status >= 500) return new AppError("upstream_unavailable", { attempts: context.attempts });
  return new AppError("upstream_error", { detail: `HTTP ${status}` });
}

/** A terminal `data: {"error":…}` frame after the stream began: what arrived is kept. */
export function mapStreamErrorFrame(body: GatewayErrorBody): AppError {
  if (body.code && CONTENT_SAFETY_CODES.has(body.code)) return new AppError("content_filtered");
  return new AppError("stream_interrupted", { detail: (body.message ?? "").slice(0, 300) });
}
