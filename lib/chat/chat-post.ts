import "server-only";
import { chatRequestSchema, type ChatRequest } from "@/app/(chat)/api/chat/schema";
import { requireUser } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { deleteMessagesFrom, type StoredMessage } from "@/lib/db/queries/messages";
import { AppError, toAppError } from "@/lib/errors";
import { serverEnv } from "@/lib/env";
import { findModel, getCatalog } from "@/lib/gateway/catalog";
import type { WireChatRequest } from "@/lib/gateway/wire";
import { assertSameOrigin } from "@/lib/http";
import { userImageSource } from "@/lib/images/store";
import { checkQuota, concurrencyLimit, tokenLimit } from "@/lib/quota";
import { chatTools } from "@/lib/tools/registry";
import { openUpstreamEarly, type EarlyUpstream } from "./generate";
import type { Generation } from "./generation";
import { hashedUserId } from "./requester";
import { runTurn } from "./run-turn";
import { checkNewImages, messageImageIds, messageText, toWireMessagesWithImages } from "./to-wire";
import { estimateTokens } from "./token-estimate";
import { prepareTurn, type Turn } from "./turn";

// POST /api/chat, independent of the HTTP server: parse → session → limits → quota → the turn from
// the stored conversation → the generation. app/(chat)/api/chat/route.ts serves it through Next;
// lib/chat/node-chat.ts serves the same function on the hot path without Next's request machinery.

/** The chat tools as the gateway takes them: the same for every request, built once. */
let chatWireTools: ReturnType<typeof chatTools.wireTools> | undefined;
const wireTools = () => (chatWireTools ??= chatTools.wireTools());

/** Sent after the cut reply when the reader asks to continue it; the model sees its own partial answer. */
const CONTINUE_INSTRUCTION = "请从上次中断处继续，不要重复已写内容。";

/**
 * What a POST /api/chat needs from its HTTP request: the headers (origin check and session) and the
 * JSON body, read at most once, never holding more than `limit` bytes. The Next route handler, `npm start`'s chat
 * worker (lib/chat/worker-host.ts) and its in-process fallback (lib/chat/node-chat.ts) all provide it.
 */
export interface ChatPostRequest {
  /** A Request without its body is enough: only its headers are read here. */
  request: Request;
  readJson(limit: number): Promise<unknown>;
}

/** Starts the reply a POST /api/chat asks for; throws an AppError when refused (nothing stored; a gateway request already sent for it is cancelled). */
export async function startChatReply(input: ChatPostRequest): Promise<Generation> {
  const req = input.request;
  assertSameOrigin(req);
  const user = await requireUser(req);
  const env = serverEnv();
  const parsed = chatRequestSchema.safeParse(await input.readJson(env.CHAT_MAX_BODY_BYTES));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("invalid_body", {
      detail: `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
    });
  }
  const body = parsed.data;
  checkLimits(body);
  const modelId = body.model ?? env.DEFAULT_MODEL;
  const model = await findModel(modelId);
  if (!model) throw new AppError("unknown_model", { model: modelId });
  const settings = body.settings ?? {};
  const { maxTokens, temperature, thinking, system } = settings;
  if (maxTokens !== undefined && maxTokens > model.maxOutputTokens) {
    throw new AppError("max_tokens_too_high", { requested: maxTokens, max: model.maxOutputTokens, model: model.id });
  }
  // The composer asks first; images for a model without vision here are a stale page or a script.
  const omitImages = body.omitImages === true;
  if (!model.vision && !omitImages && body.messages.some((m) => messageImageIds(m).length > 0)) {
    throw new AppError("model_no_vision", { model: model.id, visionModel: await suggestVisionModel() });
  }

  const db = await ensureDatabase();
  const images = userImageSource(db, user.id);
  // Over a limit nothing is stored and the gateway is not called.
  const quota = await checkQuota(db, user.id, { ignoreConversationId: body.id });
  if (!omitImages && !body.continue) {
    await checkNewImages(body.messages.at(-1)!, images, env.IMAGE_REQUEST_BUDGET_BYTES);
  }
  // The stored conversation goes upstream, never the browser's copy; only validated fields ride along.
  // Its images (the user's own, by id) become data URLs here, newest first within the request budget.
  const wireFor = async (stored: ReadonlyArray<Pick<StoredMessage, "role" | "parts">>) => {
    const wire = await toWireMessagesWithImages(
      stored.flatMap((m) => (m.role === "system" ? [] : [{ role: m.role, parts: m.parts }])),
      { system, images, budgetBytes: env.IMAGE_REQUEST_BUDGET_BYTES, omitImages: omitImages || !model.vision },
    );
    const request: WireChatRequest = {
      model: model.id,
      messages: body.continue ? [...wire.messages, { role: "user", content: CONTINUE_INSTRUCTION }] : wire.messages,
      stream: true,
      user: hashedUserId(user.id, env.secret),
      ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(model.thinking && thinking !== undefined ? { thinking: { type: thinking ? "enabled" : "disabled" } } : {}),
      // The server's tools unless this chat turned them off; never for a model without them, nor to continue a cut reply.
      ...(model.tools && body.settings?.tools !== false && !body.continue ? { tools: wireTools() } : {}),
    };
    return { request, droppedImages: wire.droppedImages };
  };

  /** A continuation's request, from its stored turn; when it cannot be built, the gateway is not called. */
  const continuationWire = async (turn: Turn) => {
    try {
      return await wireFor(turn.history);
    } catch (err) {
      // A reply's row stored with the turn goes, as if never started.
      if (turn.replyStoredAt !== undefined) {
        await deleteMessagesFrom(db, user.id, turn.conversation.id, turn.replyId).catch(() => {});
      }
      throw err;
    }
  };

  // A question's request goes to the gateway as soon as the conversation it continues is read, and its rows are
  // written while the gateway starts on it (nothing of the reply reaches the browser before they are): when the
  // write refuses (a limit reached meanwhile) or fails, that request is cancelled and the answer is the same error.
  let early: { wire: Awaited<ReturnType<typeof wireFor>>; upstream: EarlyUpstream } | undefined;
  try {
    const turn = await prepareTurn(db, user.id, {
      chatId: body.id,
      model: model.id,
      settings,
      incoming: body.messages.at(-1)!,
      trigger: body.trigger,
      continue: body.continue,
      firstMessageId: body.firstMessageId,
      maxMessages: env.CHAT_MAX_MESSAGES,
      // The place checkQuota saw free is taken only as the reply's row is stored, checked again there; the reply's
      // estimated tokens are reserved there too (the turn adds its conversation's estimate to these).
      concurrency: concurrencyLimit(quota),
      tokens: tokenLimit(quota, (maxTokens ?? model.maxOutputTokens) + (system ? estimateTokens(system) : 0)),
      beforeStore: async (history) => {
        // (called again when a new chat turned out to exist meanwhile: the first request is not the one)
        early?.upstream.cancel();
        early = undefined;
        const wire = await wireFor(history);
        early = { wire, upstream: openUpstreamEarly(wire.request) };
        await early.upstream.sent;
      },
    });
    const wire = early?.wire ?? (await continuationWire(turn));
    return await runTurn({
      db,
      userId: user.id,
      turn,
      request: wire.request,
      model,
      ...(early ? { open: early.upstream.open } : {}),
      ...(wire.droppedImages > 0 ? { metadata: { droppedImages: wire.droppedImages } } : {}),
    });
  } catch (err) {
    early?.upstream.cancel();
    throw err;
  }
}

/** The error answer of a refused or failed POST /api/chat (internal errors are logged, never shown). */
export function chatPostError(err: unknown): AppError {
  const appError = toAppError(err);
  if (appError.code === "internal") console.error("[api/chat]", err);
  return appError;
}

/** What can be refused from the body alone, before anything is read or written. */
function checkLimits(body: ChatRequest): void {
  const env = serverEnv();
  if (body.messages.length > env.CHAT_MAX_MESSAGES) {
    throw new AppError("too_many_messages", { limit: env.CHAT_MAX_MESSAGES });
  }
  for (const message of body.messages) {
    if (messageImageIds(message).length > env.CHAT_MAX_IMAGES) {
      throw new AppError("too_many_images", { limit: env.CHAT_MAX_IMAGES });
    }
    const length = messageText(message).length;
    if (length > env.CHAT_MAX_MESSAGE_CHARS) {
      throw new AppError("message_too_long", { length, limit: env.CHAT_MAX_MESSAGE_CHARS });
    }
  }
  const last = body.messages.at(-1);
  // A continuation is checked against the stored conversation (lib/chat/turn.ts).
  if (body.continue) {
    if (last?.role !== "assistant") {
      throw new AppError("invalid_body", { detail: "continue: the last message must be a reply with text" });
    }
    return;
  }
  // A question may be images alone.
  if (!last || last.role !== "user" || (messageText(last).trim() === "" && messageImageIds(last).length === 0)) {
    throw new AppError("empty_message");
  }
}

/** A model to name in model_no_vision: the default when it has vision, else the first that does. */
async function suggestVisionModel(): Promise<string> {
  const { models } = await getCatalog();
  const env = serverEnv();
  return (models.find((m) => m.id === env.DEFAULT_MODEL && m.vision) ?? models.find((m) => m.vision))?.id ?? "glm-5-1";
}
