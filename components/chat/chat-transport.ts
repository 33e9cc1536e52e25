import {
  asSchema,
  DefaultChatTransport,
  JSONParseError,
  TypeValidationError,
  uiMessageChunkSchema,
  type UIMessageChunk,
} from "ai";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { z } from "zod";
import type { ChatSettings, ChatUIMessage } from "@/lib/chat/types";

/** Per-request fields the shell adds to the body useChat builds (see POST /api/chat). */
export interface ChatRequestExtras {
  model: string;
  settings?: ChatSettings;
  /** Extend the final assistant reply (cut at max output) instead of answering a new question. */
  continue?: boolean;
  /** Leave the conversation's images out (the reader chose to go on with a model that cannot read them). */
  omitImages?: boolean;
}

export interface TransportEvents {
  /** The reconnect request (GET /api/chat/{id}/stream) answered: 204 means nothing was running. */
  onReconnect?: (status: number) => void;
}

/**
 * The hot chunks of a reply, exactly as lib/chat/ui-stream.ts writes them: a text or reasoning delta with nothing
 * else. Anything with more fields (or any other chunk) is checked against the SDK's full chunk schema instead.
 */
export const deltaChunkSchema = z.strictObject({
  type: z.enum(["text-delta", "reasoning-delta"]),
  id: z.string(),
  delta: z.string(),
});
type DeltaChunk = z.infer<typeof deltaChunkSchema>;

/**
 * deltaChunkSchema's check without zod, for the hot path (one call per event): an object with exactly the own keys
 * `type`, `id` and `delta`, the kind one of the two deltas and the others strings; a new object, as zod returns.
 */
export function asDeltaChunk(value: unknown): DeltaChunk | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (Object.keys(record).length !== 3 || !["type", "id", "delta"].every((key) => Object.hasOwn(record, key))) {
    return undefined;
  }
  const { type, id, delta } = record;
  if ((type !== "text-delta" && type !== "reasoning-delta") || typeof id !== "string" || typeof delta !== "string") {
    return undefined;
  }
  return { type, id, delta };
}

const fullChunkSchema = asSchema(uiMessageChunkSchema);

/**
 * Runs the SDK's chunk schema once on a chunk of each kind the server writes besides the deltas. Its first use builds
 * the schema (~12 ms on a desktop, ~50 ms on a slow phone), and that first use would otherwise be the reply's `start`
 * chunk: the time would land between the reply's first bytes and its first text on screen. Called when the engine is
 * there and the page is idle.
 */
export async function warmChunkSchema(): Promise<void> {
  const id = "warm-up";
  const chunks = [
    { type: "start", messageId: id, messageMetadata: { model: id, createdAt: 0 } },
    { type: "start-step" },
    { type: "text-start", id },
    { type: "reasoning-start", id },
    { type: "text-end", id },
    { type: "finish-step" },
    { type: "finish", finishReason: "stop", messageMetadata: { model: id } },
  ];
  for (const chunk of chunks) {
    // A chunk the schema refuses would warm less than it should: say so (the SDK's chunks changed shape).
    const result = await fullChunkSchema.validate!(chunk);
    if (!result.success) throw result.error;
  }
}

/** JSON.parse that refuses what the SDK's own parser refuses: keys that would reach an object's prototype. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text, function (key, value: unknown) {
      if (
        key === "__proto__" ||
        (key === "constructor" && value !== null && typeof value === "object" && Object.hasOwn(value, "prototype"))
      ) {
        throw new SyntaxError("Object contains forbidden prototype property");
      }
      return value;
    });
  } catch (cause) {
    throw new JSONParseError({ text, cause });
  }
}

/** Validates a chunk that is not a plain delta with the SDK's full schema; a bad one fails as it would in the SDK. */
async function validateFull(text: string): Promise<UIMessageChunk> {
  const value = parseJson(text);
  const result = await fullChunkSchema.validate!(value);
  if (!result.success) throw TypeValidationError.wrap({ value, cause: result.error });
  return result.value;
}

/**
 * The reply's bytes as AI SDK UI message chunks — what DefaultChatTransport's processResponseStream does (SSE parsed
 * by eventsource-parser, each event's JSON checked against the UI message chunk schema, `[DONE]` skipped, a bad chunk
 * fails the stream with the SDK's JSONParseError or TypeValidationError), in one stream stage instead of four:
 *
 * - the text and reasoning deltas that make up nearly every event are checked with a small synchronous schema
 *   instead of the whole asynchronous chunk union (one promise less per event, and no union to walk);
 * - consecutive deltas of the same part that arrive in one network read are merged into one chunk, so useChat
 *   updates its message once for them (the text is the same, nothing is held back for later).
 */
export function parseUiMessageStream(stream: ReadableStream<Uint8Array>): ReadableStream<UIMessageChunk> {
  const decoder = new TextDecoder();
  let events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });

  async function emitSlow(
    batch: EventSourceMessage[],
    from: number,
    controller: TransformStreamDefaultController<UIMessageChunk>,
  ): Promise<void> {
    // Order is kept: the chunk that needs the full (asynchronous) check goes out before anything after it.
    controller.enqueue(await validateFull(batch[from]!.data));
    return emit(batch, from + 1, controller);
  }

  function emit(
    batch: EventSourceMessage[],
    from: number,
    controller: TransformStreamDefaultController<UIMessageChunk>,
  ): Promise<void> | void {
    let pending: DeltaChunk | undefined;
    const flush = () => {
      if (pending) controller.enqueue(pending);
      pending = undefined;
    };
    for (let i = from; i < batch.length; i++) {
      const { data } = batch[i]!;
      if (data === "[DONE]") continue;
      const value =
        data.startsWith('{"type":"text-delta"') || data.startsWith('{"type":"reasoning-delta"')
          ? tryJson(data)
          : undefined;
      const chunk = value === undefined ? undefined : asDeltaChunk(value);
      if (!chunk) {
        flush();
        return emitSlow(batch, i, controller);
      }
      if (pending && pending.type === chunk.type && pending.id === chunk.id) pending.delta += chunk.delta;
      else {
        flush();
        pending = chunk;
      }
    }
    flush();
  }

  return stream.pipeThrough(
    new TransformStream<Uint8Array, UIMessageChunk>({
      transform(bytes, controller) {
        parser.feed(decoder.decode(bytes, { stream: true }));
        if (events.length === 0) return;
        const batch = events;
        events = [];
        return emit(batch, 0, controller);
      },
      flush(controller) {
        // Bytes of a character cut at the very end; an unterminated last event is dropped, as the SDK does.
        parser.feed(decoder.decode());
        const batch = events;
        events = [];
        return emit(batch, 0, controller);
      },
    }),
  );
}

/** JSON.parse for the hot path; undefined when the text is not JSON (the full path then reports it). */
function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

class ChatTransport extends DefaultChatTransport<ChatUIMessage> {
  protected override processResponseStream(stream: ReadableStream<Uint8Array>): ReadableStream<UIMessageChunk> {
    return parseUiMessageStream(stream);
  }
}

export function createTransport(events: TransportEvents = {}) {
  return new ChatTransport({
    api: "/api/chat",
    // The server keeps the conversation: the browser sends only what is new (the question, the
    // edited question, or the cut reply to continue) and says what to do with it.
    prepareSendMessagesRequest: ({ id, messages, body, trigger, messageId }) => {
      const { model, settings, continue: continuing, omitImages } = (body ?? {}) as Partial<ChatRequestExtras>;
      const last = messages.at(-1);
      return {
        body: {
          id,
          messages: last ? [last] : [],
          // Turns dropped to fit the context window are dropped on the server too.
          ...(messages[0] ? { firstMessageId: messages[0].id } : {}),
          model,
          settings,
          trigger,
          ...(messageId ? { messageId } : {}),
          ...(continuing ? { continue: true } : {}),
          ...(omitImages ? { omitImages: true } : {}),
        },
      };
    },
    // A reconnect replays the server's generation from its start (see lib/chat/generation.ts).
    resumeStreamIsReplay: true,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if ((init?.method ?? "GET") === "GET") events.onReconnect?.(response.status);
      return response;
    },
  });
}
