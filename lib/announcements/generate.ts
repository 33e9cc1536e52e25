import "server-only";
import { parsePartialJson } from "ai";
import { toChatUsage } from "@/lib/chat/generate";
import type { ChatUsage } from "@/lib/chat/types";
import type { Db } from "@/lib/db/client";
import {
  addAnnouncementVersion,
  createAnnouncement,
  getAnnouncement,
  type StoredAnnouncementVersion,
} from "@/lib/db/queries/announcements";
import { AppError, toAppError, type AppErrorPayload } from "@/lib/errors";
import { openChatStream, type GatewayStream, type OpenStreamOptions } from "@/lib/gateway/client";
import type { WireChatRequest, WireMessage } from "@/lib/gateway/wire";
import { today } from "./dates";
import type { AnnouncementForm } from "./form";
import { draftMessages, repairMessages, revisionMessages } from "./prompt";
import { fallbackAnnouncement, parseAnnouncement, type Announcement } from "./schema";

// One studio generation: a JSON-mode stream relayed to the browser as it comes (so the preview
// fills in), checked against the schema, repaired once if needed, then saved as a new version.

export type AnnouncementVersion = StoredAnnouncementVersion<Announcement>;

export type StudioEvent =
  | { type: "start"; announcementId: string }
  | { type: "delta"; text: string }
  /** The reply did not validate: the browser drops what it has and the repaired reply streams anew. */
  | { type: "repair"; problem: string }
  | { type: "done"; announcementId: string; version: AnnouncementVersion }
  | { type: "error"; error: AppErrorPayload };

export interface StudioRequest {
  db: Db;
  userId: string;
  form: AnnouncementForm;
  /** Continue an existing announcement (a new draft from an edited form, or a revision). */
  announcementId?: string;
  revision?: { versionId: string; instruction: string };
  model: { id: string; thinking: boolean; json: boolean };
  /** The hashed requester id for the gateway's `user` field. */
  gatewayUser: string;
  signal: AbortSignal;
  emit: (event: StudioEvent) => void;
  open?: (body: WireChatRequest, options: OpenStreamOptions) => Promise<GatewayStream>;
  onUsage?: (usage: ChatUsage, versionId: string) => Promise<void>;
  now?: () => Date;
}

export async function runStudioGeneration(input: StudioRequest): Promise<void> {
  const { db, userId, form, emit } = input;
  const now = input.now?.() ?? new Date();
  try {
    let announcementId = input.announcementId;
    let messages: WireMessage[];
    if (announcementId) {
      const found = await getAnnouncement<AnnouncementForm, Announcement>(db, userId, announcementId);
      if (!found) throw new AppError("not_found");
      if (input.revision) {
        const base = found.versions.find((v) => v.id === input.revision!.versionId);
        if (!base) throw new AppError("not_found");
        messages = revisionMessages(found.announcement.form, base.content, input.revision.instruction, now);
      } else messages = draftMessages(form, now);
    } else {
      announcementId = (await createAnnouncement(db, userId, { kind: form.kind, form, now: now.getTime() })).id;
      messages = draftMessages(form, now);
    }
    emit({ type: "start", announcementId });

    let usage: ChatUsage | undefined;
    const ask = async (list: WireMessage[]): Promise<string> => {
      const result = await streamOnce(input, list, (text) => emit({ type: "delta", text }));
      if (result.usage) usage = addUp(usage, result.usage);
      return result.text;
    };

    const first = await ask(messages);
    let parsed = parseAnnouncement(first);
    let last = first;
    if (!parsed.ok) {
      emit({ type: "repair", problem: parsed.error });
      last = await ask(repairMessages(messages, first, parsed.error));
      parsed = parseAnnouncement(last);
    }
    const content = parsed.ok
      ? parsed.value
      : fallbackAnnouncement(form, await partialObject(last, first), last, today(now).chinese);
    const version = await addAnnouncementVersion(db, userId, announcementId, {
      title: content.title,
      content,
      status: parsed.ok ? "ok" : "fallback",
      model: input.model.id,
      instruction: input.revision?.instruction ?? null,
      ...(input.revision ? {} : { form }),
      now: Date.now(),
    });
    if (usage) await input.onUsage?.(usage, version.id).catch((err) => console.error("[announcements] usage", err));
    emit({ type: "done", announcementId, version });
  } catch (err) {
    if (input.signal.aborted) return;
    const error = toAppError(err);
    if (error.code === "internal") console.error("[announcements]", err);
    emit({ type: "error", error: error.toPayload() });
  }
}

async function streamOnce(
  input: StudioRequest,
  messages: WireMessage[],
  onText: (text: string) => void,
): Promise<{ text: string; usage?: ChatUsage }> {
  const request: WireChatRequest = {
    model: input.model.id,
    messages,
    stream: true,
    user: input.gatewayUser,
    ...(input.model.json ? { response_format: { type: "json_object" } } : {}),
    // A notice needs no visible reasoning, and JSON mode answers faster without it.
    ...(input.model.thinking ? { thinking: { type: "disabled" } } : {}),
  };
  const stream = await (input.open ?? openChatStream)(request, { signal: input.signal });
  let text = "";
  let usage: ChatUsage | undefined;
  await stream.consume((chunk) => {
    if (chunk.usage) usage = toChatUsage(chunk.usage);
    const content = chunk.choices?.[0]?.delta?.content;
    if (content) {
      text += content;
      onText(content);
    }
  });
  if (input.signal.aborted) throw new AppError("stream_interrupted", { detail: "aborted" });
  return { text, ...(usage ? { usage } : {}) };
}

/** Whatever object the better of the two replies holds, for the fallback. */
async function partialObject(...texts: string[]): Promise<unknown> {
  for (const text of texts) {
    const start = text.indexOf("{");
    if (start < 0) continue;
    const { value } = await parsePartialJson(text.slice(start));
    if (value && typeof value === "object") return value;
  }
  return undefined;
}

function addUp(a: ChatUsage | undefined, b: ChatUsage): ChatUsage {
  if (!a) return b;
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}
