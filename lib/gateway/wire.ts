// The ByteSpike gateway's wire format (OpenAI Chat Completions, GLM flavour), shared by
// the gateway client and the simulator so both speak exactly the same shapes.

export type WireRole = "system" | "user" | "assistant" | "tool";

export type WireContentPart =
  { type: "text"; text: string } | { type: "image_url"; image_url: { url: string; detail?: "auto" | "low" | "high" } };

export interface WireToolCall {
  index?: number;
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type WireMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string | WireContentPart[] }
  | { role: "assistant"; content: string | null; tool_calls?: WireToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

export interface WireTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface WireChatRequest {
  model: string;
  messages: WireMessage[];
  stream?: boolean;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  response_format?: { type: "text" | "json_object" | "json_schema"; json_schema?: unknown };
  tools?: WireTool[];
  tool_choice?: "auto" | "none" | "required" | { type: "function"; function: { name: string } };
  seed?: number;
  user?: string;
  thinking?: { type: "enabled" | "disabled" };
  stream_options?: { include_usage?: boolean };
}

export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
}

export type WireFinishReason = "stop" | "length" | "tool_calls" | "sensitive" | "network_error";

export interface WireChunkDelta {
  role?: "assistant";
  content?: string | null;
  reasoning_content?: string | null;
  /** Whole calls, or fragments of one: later deltas of the same index carry more `function.arguments`. */
  tool_calls?: Array<{
    index: number;
    id?: string;
    type?: "function";
    function?: { name?: string; arguments?: string };
  }>;
}

export interface WireChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{ index: number; delta: WireChunkDelta; finish_reason?: WireFinishReason | null }>;
  usage?: WireUsage | null;
}

export interface WireCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: "assistant"; content: string | null; reasoning_content?: string; tool_calls?: WireToolCall[] };
    finish_reason: WireFinishReason;
  }>;
  usage: WireUsage;
}

/** The gateway's error body (OpenAI shape); Zhipu-native bodies carry only code + message. */
export interface WireErrorBody {
  error: { type?: string; code?: string | null; message: string; param?: string | null };
}

/** A terminal SSE frame that reports a failure mid-stream. */
export interface WireStreamErrorFrame {
  error: { type?: string; code?: string | null; message: string };
}

export interface WireModel {
  id: string;
  object?: "model";
  owned_by: string;
  family: string;
  capabilities: string[];
  context_window: number;
  max_output_tokens: number;
  input_modalities: string[];
  output_modalities: string[];
  pricing_url?: string;
  created: number;
}

export interface WireModelList {
  object: "list";
  data: WireModel[];
}

/** Headers the gateway sends on every response, before the first SSE frame. */
export const RATE_HEADERS = {
  limit: "x-ratelimit-limit",
  remaining: "x-ratelimit-remaining",
  reset: "x-ratelimit-reset",
  keyCredits: "x-quota-remaining-credits",
  orgCredits: "x-org-quota-remaining-credits",
} as const;
