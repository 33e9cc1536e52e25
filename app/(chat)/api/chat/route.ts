import { randomUUID } from "node:crypto";
import { AppError, toAppError } from "@/lib/errors";
import { serverEnv } from "@/lib/env";
import { findModel } from "@/lib/gateway/catalog";
import type { WireChatRequest } from "@/lib/gateway/wire";
import { generationResponse, startGeneration } from "@/lib/chat/generate";
import { hashedUserId, identifyRequester } from "@/lib/chat/requester";
import { messageText, toWireMessages } from "@/lib/chat/to-wire";
import { UI_STREAM_HEADERS } from "@/lib/chat/ui-stream";
import { assertSameOrigin, readJsonBody } from "@/lib/http";
import { chatTools } from "@/lib/tools/registry";
import { chatRequestSchema, type ChatRequest } from "./schema";

export const dynamic = "force-dynamic";

/** Sent after the cut reply when the reader asks to continue it; the model sees its own partial answer. */
const CONTINUE_INSTRUCTION = "请从上次中断处继续，不要重复已写内容。";

export async function POST(req: Request): Promise<Response> {
  try {
    assertSameOrigin(req);
    const env = serverEnv();
    const parsed = chatRequestSchema.safeParse(await readJsonBody(req, env.CHAT_MAX_BODY_BYTES));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError("invalid_body", {
        detail: `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
      });
    }
    const body = parsed.data;
    await checkLimits(body);
    const modelId = body.model ?? env.DEFAULT_MODEL;
    const model = await findModel(modelId);
    if (!model) throw new AppError("unknown_model", { model: modelId });
    const { maxTokens, temperature, thinking, system } = body.settings ?? {};
    if (maxTokens !== undefined && maxTokens > model.maxOutputTokens) {
      throw new AppError("max_tokens_too_high", { requested: maxTokens, max: model.maxOutputTokens, model: model.id });
    }

    const requester = identifyRequester(req);
    // Only validated fields reach the gateway; base URL and key come from config alone.
    const request: WireChatRequest = {
      model: model.id,
      messages: body.continue
        ? [...toWireMessages(body.messages, system), { role: "user", content: CONTINUE_INSTRUCTION }]
        : toWireMessages(body.messages, system),
      stream: true,
      user: hashedUserId(requester.id, env.secret),
      ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(model.thinking && thinking !== undefined ? { thinking: { type: thinking ? "enabled" : "disabled" } } : {}),
      // The server's tools unless this chat turned them off; never for a model without them, nor to continue a cut reply.
      ...(model.tools && body.settings?.tools !== false && !body.continue ? { tools: chatTools.wireTools() } : {}),
    };

    const generation = startGeneration({
      chatId: body.id,
      // A continuation streams into the reply it extends: the same id makes useChat append to it.
      messageId: body.continue ? body.messages.at(-1)!.id : `msg-${randomUUID()}`,
      ownerId: requester.id,
      request,
    });
    return generationResponse(generation, {
      ...UI_STREAM_HEADERS,
      ...(requester.setCookie ? { "set-cookie": requester.setCookie } : {}),
    });
  } catch (err) {
    const appError = toAppError(err);
    if (appError.code === "internal") console.error("[api/chat]", err);
    return appError.toResponse();
  }
}

async function checkLimits(body: ChatRequest): Promise<void> {
  const env = serverEnv();
  if (body.messages.length > env.CHAT_MAX_MESSAGES) {
    throw new AppError("too_many_messages", { limit: env.CHAT_MAX_MESSAGES });
  }
  for (const message of body.messages) {
    const length = messageText(message).length;
    if (length > env.CHAT_MAX_MESSAGE_CHARS) {
      throw new AppError("message_too_long", { length, limit: env.CHAT_MAX_MESSAGE_CHARS });
    }
  }
  const last = body.messages.at(-1);
  if (body.continue) {
    const hasQuestion = body.messages.some((m) => m.role === "user" && messageText(m).trim() !== "");
    if (last?.role !== "assistant" || messageText(last).trim() === "" || !hasQuestion) {
      throw new AppError("invalid_body", { detail: "continue: the last message must be a reply with text" });
    }
    return;
  }
  if (!last || last.role !== "user" || messageText(last).trim() === "") throw new AppError("empty_message");
}
