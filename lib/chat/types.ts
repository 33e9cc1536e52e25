import type { UIMessage } from "ai";
import type { AppErrorPayload } from "@/lib/errors";
import type { ImageSettings } from "@/lib/images/limits";

// Shapes shared by the chat route, the generation and the browser.

export type ChatFinishReason = "stop" | "length" | "tool_calls" | "sensitive" | "network_error" | "aborted";

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  totalTokens: number;
}

/** Travels as UI message metadata: on `start`, on `message-metadata` and on `finish`. */
export interface ChatMessageMetadata {
  model?: string;
  createdAt?: number;
  /** Set once the generation ends: done (finished normally), interrupted (error or stop after partial text). */
  status?: "done" | "interrupted" | "error";
  finishReason?: ChatFinishReason;
  usage?: ChatUsage;
  error?: AppErrorPayload;
  /** Older images of the conversation left out of this reply's request (it would have exceeded the budget). */
  droppedImages?: number;
}

export type ChatUIMessage = UIMessage<ChatMessageMetadata>;

/** One model as the browser sees it (no secrets, no URLs). */
export interface CatalogModel {
  id: string;
  family: string;
  ownedBy: string;
  vision: boolean;
  tools: boolean;
  json: boolean;
  thinking: boolean;
  contextWindow: number;
  maxOutputTokens: number;
}

export interface ModelsResponse {
  models: CatalogModel[];
  defaultModel: string;
  demoMode: boolean;
  /** "gateway" when the live catalog answered, "fallback" when the built-in table is in use. */
  source: "gateway" | "fallback";
  /** Settings a new chat starts with (DEFAULT_TEMPERATURE, DEFAULT_THINKING, DEFAULT_SYSTEM_PROMPT). */
  defaults: ChatDefaults;
  /** How the browser prepares image attachments (IMAGE_MAX_EDGE, CHAT_MAX_IMAGES, size limits). */
  images: ImageSettings;
}

export interface ChatDefaults {
  temperature?: number;
  thinking: boolean;
  system?: string;
}

/** Per-chat settings the browser may choose; the server validates each against the model. */
export interface ChatSettings {
  maxTokens?: number;
  temperature?: number;
  thinking?: boolean;
  system?: string;
  /** Offer the server's tools (current_time, calculate, count_characters); on by default for models with tools. */
  tools?: boolean;
}
