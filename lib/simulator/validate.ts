// Validates a chat-completions body the way the gateway does, answering in its error shape.
import { FALLBACK_MODELS } from "../gateway/model-table";
import type { WireChatRequest, WireErrorBody, WireModel } from "../gateway/wire";
import { inspectDataUrl, type ImageInfo } from "./image-info";

export interface ImageRef {
  /** 1-based position among all images in the request. */
  n: number;
  path: string;
  source: "data" | "https";
  info: ImageInfo | null;
}

export interface ValidRequest {
  ok: true;
  request: WireChatRequest;
  model: WireModel;
  images: ImageRef[];
}

export interface InvalidRequest {
  ok: false;
  status: number;
  body: WireErrorBody;
}

const ROLES = new Set(["system", "user", "assistant", "tool"]);
const TOOL_NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;

export function gatewayError(
  status: number,
  code: string,
  message: string,
  param: string | null = null,
  type?: string,
): InvalidRequest {
  return { ok: false, status, body: { error: { type: type ?? errorType(status), code, message, param } } };
}

export function errorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 402) return "insufficient_quota";
  if (status === 403) return "permission_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

const bad = (message: string, param: string | null) => gatewayError(400, "invalid_param", message, param);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function findModel(id: string): WireModel | undefined {
  return FALLBACK_MODELS.find((m) => m.id === id);
}

/** Marks a body that did not parse as JSON. */
export const NOT_JSON: unique symbol = Symbol("not-json");

export function validateChatRequest(body: unknown): ValidRequest | InvalidRequest {
  if (body === NOT_JSON) return bad("Request body must be valid JSON.", null);
  if (!isObj(body)) return bad("Request body must be a JSON object.", null);

  if (typeof body.model !== "string" || !body.model) return bad("`model` is required and must be a string.", "model");
  const model = findModel(body.model);
  if (!model) {
    return gatewayError(
      400,
      "model_not_found",
      `The model \`${body.model}\` does not exist or you do not have access to it.`,
      "model",
    );
  }

  const msgs = body.messages;
  if (!Array.isArray(msgs) || msgs.length === 0) return bad("`messages` must be a non-empty array.", "messages");
  const images: ImageRef[] = [];
  const vision = model.capabilities.includes("vision");
  for (let i = 0; i < msgs.length; i++) {
    const m: unknown = msgs[i];
    const at = `messages[${i}]`;
    if (!isObj(m)) return bad(`${at} must be an object.`, at);
    if (typeof m.role !== "string" || !ROLES.has(m.role)) {
      return bad(
        `${at}.role must be one of system, user, assistant, tool (got ${JSON.stringify(m.role)}).`,
        `${at}.role`,
      );
    }
    const c = m.content;
    if (m.role === "user") {
      if (typeof c === "string") continue;
      if (!Array.isArray(c) || c.length === 0)
        return bad(`${at}.content must be a string or a non-empty array of parts.`, `${at}.content`);
      for (let j = 0; j < c.length; j++) {
        const part: unknown = c[j];
        const pat = `${at}.content[${j}]`;
        if (isObj(part) && part.type === "text" && typeof part.text === "string") continue;
        if (!isObj(part) || part.type !== "image_url") return bad(`${pat} must be a text or image_url part.`, pat);
        const n = images.length + 1;
        if (!vision) {
          return bad(
            `Image ${n} (${pat}): model \`${model.id}\` does not accept images; pick a model with the vision capability.`,
            pat,
          );
        }
        const url = isObj(part.image_url) ? part.image_url.url : undefined;
        if (typeof url !== "string")
          return bad(`Image ${n} (${pat}): image_url.url must be a string.`, `${pat}.image_url.url`);
        if (/^https:\/\/\S+$/i.test(url)) {
          images.push({ n, path: pat, source: "https", info: null });
          continue;
        }
        const res = inspectDataUrl(url);
        if (!res.ok) return bad(`Image ${n} (${pat}) ${res.reason}.`, `${pat}.image_url.url`);
        images.push({ n, path: pat, source: "data", info: res.info });
      }
    } else if (m.role === "assistant") {
      const hasCalls = Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
      const textParts = Array.isArray(c) && c.every((p) => isObj(p) && p.type === "text" && typeof p.text === "string");
      if (!(typeof c === "string" || textParts || ((c === null || c === undefined) && hasCalls))) {
        return bad(`${at}.content must be a string (or null when tool_calls are present).`, `${at}.content`);
      }
    } else if (m.role === "tool") {
      if (typeof m.tool_call_id !== "string" || !m.tool_call_id)
        return bad(`${at}.tool_call_id is required for tool messages.`, `${at}.tool_call_id`);
      if (typeof c !== "string") return bad(`${at}.content must be a string.`, `${at}.content`);
    } else if (typeof c !== "string") {
      return bad(`${at}.content must be a string.`, `${at}.content`);
    }
  }

  if (body.max_tokens !== undefined && body.max_tokens !== null) {
    const mt = body.max_tokens;
    if (typeof mt !== "number" || !Number.isInteger(mt) || mt < 1 || mt > model.max_output_tokens) {
      return bad(
        `\`max_tokens\` must be an integer between 1 and ${model.max_output_tokens} for ${model.id} (got ${JSON.stringify(mt)}).`,
        "max_tokens",
      );
    }
  }
  if (
    body.temperature !== undefined &&
    (typeof body.temperature !== "number" || body.temperature < 0 || body.temperature > 2)
  ) {
    return bad("`temperature` must be a number between 0 and 2.", "temperature");
  }
  if (body.top_p !== undefined && (typeof body.top_p !== "number" || body.top_p <= 0 || body.top_p > 1)) {
    return bad("`top_p` must be a number in (0, 1].", "top_p");
  }
  if (body.stream !== undefined && typeof body.stream !== "boolean")
    return bad("`stream` must be a boolean.", "stream");
  if (body.response_format !== undefined) {
    const t = isObj(body.response_format) ? body.response_format.type : undefined;
    if (t !== "text" && t !== "json_object" && t !== "json_schema") {
      return bad("`response_format.type` must be text, json_object or json_schema.", "response_format");
    }
  }
  if (body.thinking !== undefined) {
    const t = isObj(body.thinking) ? body.thinking.type : undefined;
    if (t !== "enabled" && t !== "disabled") return bad("`thinking.type` must be enabled or disabled.", "thinking");
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return bad("`tools` must be an array.", "tools");
    for (let i = 0; i < body.tools.length; i++) {
      const t: unknown = body.tools[i];
      const fn = isObj(t) && t.type === "function" && isObj(t.function) ? t.function : null;
      if (!fn || typeof fn.name !== "string" || !TOOL_NAME_RE.test(fn.name)) {
        return bad(
          `tools[${i}] must be {type:"function", function:{name}} with a name matching ^[a-zA-Z0-9_-]{1,64}$.`,
          `tools[${i}]`,
        );
      }
    }
  }
  return { ok: true, request: body as unknown as WireChatRequest, model, images };
}
