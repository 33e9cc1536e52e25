// (e) Diagnostic: our lib/chat generation path (gateway client + UiStreamWriter + generation registry)
// behind bare node:http instead of Next, to tell our cost apart from the framework's.
// Run with --conditions=react-server so that "server-only" resolves to its empty module.
import { randomUUID } from "node:crypto";
import { generationResponse, startGeneration } from "@/lib/chat/generate";
import { UI_STREAM_HEADERS } from "@/lib/chat/ui-stream";
import type { WireChatRequest } from "@/lib/gateway/wire";
import { readBody, sendResponse, serve } from "./common";

serve(async (req, res) => {
  const body = JSON.parse(await readBody(req)) as {
    id: string;
    model: string;
    messages: Array<{ role: "user"; parts: Array<{ type: "text"; text: string }> }>;
    settings?: { maxTokens?: number };
  };
  const request: WireChatRequest = {
    model: body.model,
    messages: body.messages.map((m) => ({ role: m.role, content: m.parts.map((p) => p.text).join("") })),
    stream: true,
    user: "u_bench",
    ...(body.settings?.maxTokens ? { max_tokens: body.settings.maxTokens } : {}),
  };
  const generation = startGeneration({ chatId: body.id, messageId: `msg-${randomUUID()}`, request, ownerId: "bench" });
  await sendResponse(res, generationResponse(generation, { ...UI_STREAM_HEADERS }));
});
