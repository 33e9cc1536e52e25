import { createParser } from "eventsource-parser";
import { expect } from "vitest";
import type { AppErrorPayload } from "@/lib/errors";
import type { RecordedRequest } from "@/lib/simulator/script-types";
import type { Simulator } from "@/lib/simulator/server";
import { afterRepliesSettled } from "@/lib/chat/generation";
import { isTitleRequest } from "@/lib/chat/title";
import type * as StopRouteModule from "@/app/(chat)/api/chat/[id]/stop/route";
import type * as StreamRouteModule from "@/app/(chat)/api/chat/[id]/stream/route";
import type * as ChatRouteModule from "@/app/(chat)/api/chat/route";
import { startTestApp, type SignedIn, type TestApp } from "./app";
import type { TestDialect } from "./db";
import { sseJson } from "./sse";

// The chat routes over real HTTP to an in-process gateway simulator, on SQLite or PostgreSQL,
// called as Next calls them (POST(request)). Shared by the chat route test files.

export const KEY = "sk-byts-test-key-123456";

export interface ChatHarness {
  app: TestApp;
  sim: Simulator;
  chat: typeof ChatRouteModule;
  stop: typeof StopRouteModule;
  stream: typeof StreamRouteModule;
  close(): Promise<void>;
}

export async function startChatHarness(
  dialect: TestDialect,
  sim: Simulator,
  env: Record<string, string> = {},
): Promise<ChatHarness> {
  const app = await startTestApp(dialect, {
    BYTESPIKE_API_KEY: KEY,
    BYTESPIKE_BASE_URL: `${sim.url}/v1`,
    CHAT_MAX_MESSAGES: "20",
    CHAT_MAX_MESSAGE_CHARS: "2000",
    CHAT_MAX_BODY_BYTES: "65536",
    MODEL_CATALOG_TTL_SECONDS: "300",
    ...env,
  });
  const [chat, stop, stream] = await Promise.all([
    import("@/app/(chat)/api/chat/route"),
    import("@/app/(chat)/api/chat/[id]/stop/route"),
    import("@/app/(chat)/api/chat/[id]/stream/route"),
  ]);
  // A reply's title job runs after its stream ends: the database closes only once those are done.
  const close = async () => {
    await afterRepliesSettled();
    await app.close();
  };
  return { app, sim, chat, stop, stream, close };
}

let chatCounter = 0;
export const nextChatId = () => `chat-${Date.now().toString(36)}-${++chatCounter}`;

export const userMessage = (text: string, id = `m-${Date.now().toString(36)}-${++chatCounter}`) => ({
  id,
  role: "user",
  parts: [{ type: "text", text }],
});

export const goodBody = (extra: Record<string, unknown> = {}) => ({
  id: nextChatId(),
  messages: [userMessage("你好")],
  model: "glm-5-1",
  ...extra,
});

/** Every response passes through here, so none can carry the key unnoticed. */
export function assertNoSecrets(sim: Simulator, label: string, headers: Headers, text: string) {
  const everything = `${[...headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`;
  expect(everything, label).not.toContain(KEY);
  expect(everything, label).not.toContain(KEY.slice(8));
  expect(everything, label).not.toContain(sim.url);
}

export async function postChat(
  h: ChatHarness,
  user: SignedIn | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ response: Response; text: string }> {
  const response = await h.chat.POST(
    new Request(`${h.app.origin}/api/chat`, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json", ...(user ? { cookie: user.cookie } : {}), ...headers },
    }),
  );
  const text = await response.text();
  assertNoSecrets(h.sim, "POST /api/chat", response.headers, text);
  return { response, text };
}

export async function expectAppError(
  result: Promise<{ response: Response; text: string }> | { response: Response; text: string },
  status: number,
  code: string,
): Promise<AppErrorPayload> {
  const { response, text } = await result;
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = JSON.parse(text) as { error: AppErrorPayload };
  expect(body.error.code).toBe(code);
  expect(body.error.message["zh-CN"]).toEqual(expect.any(String));
  expect(body.error.message.en).toEqual(expect.any(String));
  expect(body.error.message.en).not.toMatch(/\{\w+\}/);
  expect(typeof body.error.retryable).toBe("boolean");
  return body.error;
}

/** The gateway calls of chat replies (title requests left out). */
export const chatRequests = (sim: Simulator): RecordedRequest[] =>
  sim
    .requests()
    .filter(
      (r) =>
        r.path === "/v1/chat/completions" &&
        !isTitleRequest((r.body as { messages?: Array<{ role: string; content?: unknown }> }).messages ?? []),
    );

export const titleRequests = (sim: Simulator): RecordedRequest[] =>
  sim.requests().filter((r) => r.path === "/v1/chat/completions" && !chatRequests(sim).includes(r));

export type Part = Record<string, unknown>;
export const partsOf = (text: string) => sseJson(text).filter((p): p is Part => p !== "[DONE]");
export const deltaText = (parts: Part[]) => parts.map((p) => (p.type === "text-delta" ? String(p.delta) : "")).join("");

/** Reads a UI stream part by part, calling `onPart` as each arrives. */
export async function readParts(
  body: ReadableStream<Uint8Array>,
  onPart: (part: Part | "[DONE]") => void,
): Promise<string> {
  let raw = "";
  const parser = createParser({
    onEvent: (event) => onPart(event.data === "[DONE]" ? "[DONE]" : (JSON.parse(event.data) as Part)),
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return raw;
    const text = decoder.decode(value, { stream: true });
    raw += text;
    parser.feed(text);
  }
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, ms = 8000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const idCtx = (id: string) => ({ params: Promise.resolve({ id }) });
