import "server-only";
import type { Db } from "@/lib/db/client";
import { saveGatewayStatus } from "@/lib/db/queries/gateway-status";
import { reopenReply } from "@/lib/db/queries/messages";
import { ReplyWriter, startReplyWriter, type ReplySnapshot, type ReplyWriterOptions } from "@/lib/db/reply-writer";
import { toAppError } from "@/lib/errors";
import type { WireChatRequest } from "@/lib/gateway/wire";
import { recordUsage } from "@/lib/quota";
import { startGeneration, type GenerateInput } from "./generate";
import type { Generation, GenerationOutcome } from "./generation";
import { queueTitle } from "./title-job";
import type { Turn } from "./turn";

// Starts the reply of a prepared turn and keeps it in the database: the row exists before the
// gateway is called, grows at least once a second while the reply streams, and ends with its
// status, usage and finish reason; then the usage is counted and, after a first reply, the chat
// is named. The generation itself never waits for the database.

export interface RunTurnInput {
  db: Db;
  userId: string;
  turn: Turn;
  request: WireChatRequest;
  model: { id: string; thinking: boolean };
  /** Sent with the reply's start and stored with it (e.g. how many older images were left out). */
  metadata?: GenerateInput["startMetadata"];
  open?: GenerateInput["open"];
  /** Resolves once everything after the reply (final write, usage, title) is done; for tests. */
  onSettled?: (generation: Generation) => void;
}

export async function runTurn(input: RunTurnInput): Promise<Generation> {
  const { db, userId, turn, model } = input;
  const continued = turn.continued;
  // Under the user's concurrency limit, checked again as the reply starts streaming (lib/quota).
  if (continued) await reopenReply(db, userId, continued.id, Date.now(), turn.concurrency, turn.tokens);
  let generation: Generation | undefined;
  // A continuation extends the cut reply: what is stored is the old text plus the new.
  const merge = (snapshot: ReplySnapshot): ReplySnapshot =>
    continued
      ? {
          text: `${partText(continued, "text")}${snapshot.text}`,
          reasoning: [partText(continued, "reasoning"), snapshot.reasoning].filter(Boolean).join("\n\n"),
        }
      : snapshot;
  const writerOptions: ReplyWriterOptions = {
    userId,
    conversationId: turn.conversation.id,
    messageId: turn.replyId,
    model: model.id,
    read: () => {
      // A reply that called tools is stored with its tool cards as it goes, not only at the end.
      const parts = generation?.partsSoFar();
      return merge({
        text: generation?.text ?? "",
        reasoning: generation?.reasoning ?? "",
        ...(parts ? { parts } : {}),
      });
    },
    ...(input.metadata ? { metadata: input.metadata } : {}),
  };
  // A new reply's row was inserted with its question (prepareTurn); a continuation's is reopened above.
  const writer =
    turn.replyStoredAt !== undefined
      ? new ReplyWriter(db, writerOptions, turn.replyStoredAt)
      : await startReplyWriter(db, writerOptions);

  // The reply's usage (which the next question's quota check counts) and its final row are written before the
  // response ends; the rest after. The usage first: the row's reservation of the user's daily tokens (lib/quota)
  // holds until the final row, so there is no moment when neither counts.
  const persist = async (outcome: GenerationOutcome, finished: Generation) => {
    try {
      if (outcome.usage) {
        await recordUsage(db, {
          userId,
          conversationId: turn.conversation.id,
          // One record per reply; a continuation is a reply of its own.
          messageId: continued ? `${turn.replyId}:continued:${finished.startedAt}` : turn.replyId,
          model: model.id,
          usage: outcome.usage,
        });
      }
    } finally {
      await writer.finish({ ...outcome, ...merge(outcome) });
    }
  };

  const onFinish = async (outcome: GenerationOutcome, finished: Generation) => {
    try {
      if (finished.rate && Object.keys(finished.rate).length > 0) {
        await saveGatewayStatus(db, finished.rate, { model: model.id });
      }
      if (turn.firstReply && outcome.status === "done") {
        const question = turn.history.findLast((m) => m.role === "user")?.text ?? "";
        await queueTitle({
          db,
          userId,
          conversationId: turn.conversation.id,
          question,
          answer: outcome.text,
          model,
          gatewayUser: input.request.user ?? "",
        });
      }
    } finally {
      input.onSettled?.(finished);
    }
  };

  try {
    generation = startGeneration({
      chatId: turn.conversation.id,
      messageId: turn.replyId,
      ownerId: userId,
      request: input.request,
      ...(input.metadata ? { startMetadata: input.metadata } : {}),
      persist,
      onFinish,
      ...(input.open ? { open: input.open } : {}),
    });
  } catch (err) {
    await writer.finish({ status: "error", text: "", reasoning: "", error: toAppError(err).toPayload() });
    throw err;
  }
  if (continued) generation.replayPrelude = priorFrames(continued);
  return generation;
}

/** UI message stream frames that rebuild a stored reply's reasoning and text (ids kept apart from the live parts'). */
function priorFrames(message: Turn["history"][number]): string[] {
  const frame = (part: Record<string, unknown>) => `data: ${JSON.stringify(part)}\n\n`;
  return (["reasoning", "text"] as const).flatMap((kind) => {
    const text = partText(message, kind);
    if (!text) return [];
    const id = `${kind}-prior`;
    return [
      frame({ type: `${kind}-start`, id }),
      frame({ type: `${kind}-delta`, id, delta: text }),
      frame({ type: `${kind}-end`, id }),
    ];
  });
}

function partText(message: Turn["history"][number], type: "text" | "reasoning"): string {
  return message.parts
    .filter((p): p is Extract<typeof p, { type: "text" | "reasoning" }> => p.type === type)
    .map((p) => p.text)
    .join("\n\n");
}
