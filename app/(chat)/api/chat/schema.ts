import { z } from "zod";
import { GATEWAY_IMAGE_TYPES, IMAGE_URL_RE } from "@/lib/images/limits";

// The body useChat sends (shaped by the chat shell's prepareSendMessagesRequest): the newest
// message only (the server keeps the conversation), and what to do with it.
// Structural limits live here; limits that depend on config or the model are checked in the route.

const textPart = z.object({ type: z.literal("text"), text: z.string() });
// An image the browser uploaded to POST /api/images: referenced by id, never inlined.
const imagePart = z.strictObject({
  type: z.literal("file"),
  mediaType: z.enum(GATEWAY_IMAGE_TYPES),
  url: z.string().regex(IMAGE_URL_RE, "must be /api/images/<id>"),
  filename: z.string().max(255).optional(),
});
// Parts the server does not send upstream (reasoning, step markers, …) are accepted and ignored.
const otherPart = z.looseObject({
  type: z
    .string()
    .max(64)
    .refine((t) => t !== "text" && t !== "file"),
});

export const chatMessageSchema = z.object({
  id: z.string().min(1).max(128),
  role: z.enum(["user", "assistant"]),
  parts: z.array(z.union([textPart, imagePart, otherPart])).max(200),
  metadata: z.unknown().optional(),
});

export const chatSettingsSchema = z.object({
  maxTokens: z.int().min(1).max(1_000_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  thinking: z.boolean().optional(),
  system: z.string().max(8000).optional(),
  tools: z.boolean().optional(),
});

export const chatRequestSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_-]+$/),
  messages: z.array(chatMessageSchema).min(1),
  model: z.string().min(1).max(128).optional(),
  settings: chatSettingsSchema.optional(),
  trigger: z.string().max(64).optional(),
  messageId: z.string().max(128).optional(),
  /** Continue the final assistant reply (cut at max output) instead of answering a final user message. */
  continue: z.boolean().optional(),
  /** Leave the conversation's images out (the reader chose to go on with a model without vision). */
  omitImages: z.boolean().optional(),
  /** The oldest message the browser still holds: older stored ones were dropped to make room. */
  firstMessageId: z.string().min(1).max(128).optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatRequestMessage = z.infer<typeof chatMessageSchema>;
