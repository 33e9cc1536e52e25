import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GatewayStream } from "@/lib/gateway/client";
import type { WireChatRequest, WireChunk } from "@/lib/gateway/wire";
import { getAnnouncement } from "@/lib/db/queries/announcements";
import { createTestUser, openTestDatabase, type TestDatabase } from "@/test/db";
import { VALID_ANNOUNCEMENT } from "./fixtures";
import { emptyForm, type AnnouncementForm } from "./form";
import { runStudioGeneration, type StudioEvent } from "./generate";

const FORM: AnnouncementForm = {
  ...emptyForm("maintenance"),
  department: "信息技术部",
  fields: { startAt: "2026-11-28T22:00", endAt: "2026-11-29T02:00", systems: "OA", impact: "停机", contact: "8001" },
};
const MODEL = { id: "glm-5-1", thinking: true, json: true };
const NOW = new Date(Date.UTC(2026, 10, 27, 2));

const chunk = (content: string, usage = false): WireChunk => ({
  id: "c",
  object: "chat.completion.chunk",
  created: 1,
  model: "glm-5-1",
  choices: [{ index: 0, delta: { content }, finish_reason: usage ? "stop" : null }],
  ...(usage ? { usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 } } : {}),
});

/** Each upstream request answers with the next reply, streamed in small pieces. */
function replies(...texts: string[]) {
  const bodies: WireChatRequest[] = [];
  const open = vi.fn(async (body: WireChatRequest): Promise<GatewayStream> => {
    const text = texts[bodies.length] ?? "";
    bodies.push(body);
    return {
      rate: {},
      attempts: 1,
      consume: async (onChunk) => {
        for (let i = 0; i < text.length; i += 7) onChunk(chunk(text.slice(i, i + 7)));
        onChunk(chunk("", true));
      },
    };
  });
  return { open, bodies };
}

let t: TestDatabase;
let user: string;
beforeAll(async () => {
  t = await openTestDatabase("sqlite");
  user = await createTestUser(t, "writer@example.com");
}, 60_000);
afterAll(() => t?.cleanup());

async function generate(
  open: ReturnType<typeof replies>["open"],
  extra: Partial<Parameters<typeof runStudioGeneration>[0]> = {},
) {
  const events: StudioEvent[] = [];
  const onUsage = vi.fn(async () => {});
  await runStudioGeneration({
    db: t.db,
    userId: user,
    form: FORM,
    model: MODEL,
    gatewayUser: "u-hash",
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
    open,
    onUsage,
    now: () => NOW,
    ...extra,
  });
  const done = events.find((e) => e.type === "done");
  return { events, done: done?.type === "done" ? done : undefined, onUsage };
}

describe("runStudioGeneration", () => {
  it("asks for JSON with today's date in the prompt, streams it, and saves a valid reply", async () => {
    const { open, bodies } = replies(JSON.stringify(VALID_ANNOUNCEMENT));
    const { events, done, onUsage } = await generate(open);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({
      model: "glm-5-1",
      stream: true,
      user: "u-hash",
      response_format: { type: "json_object" },
      thinking: { type: "disabled" },
    });
    const system = bodies[0]!.messages[0]!.content as string;
    expect(system).toContain("今天是 2026年11月27日（星期五）");
    expect(bodies[0]!.messages[1]!.content).toContain("维护开始时间：2026年11月28日 22:00");
    const streamed = events.flatMap((e) => (e.type === "delta" ? [e.text] : [])).join("");
    expect(streamed).toBe(JSON.stringify(VALID_ANNOUNCEMENT));
    expect(done?.version).toMatchObject({ seq: 1, status: "ok", content: VALID_ANNOUNCEMENT, instruction: null });
    expect(onUsage).toHaveBeenCalledWith(expect.objectContaining({ totalTokens: 150 }), done?.version.id);
  });

  it("repairs an invalid reply once and keeps the repaired one", async () => {
    const { open, bodies } = replies('{"title": "通知", "body": ', JSON.stringify(VALID_ANNOUNCEMENT));
    const { events, done, onUsage } = await generate(open);
    expect(bodies).toHaveLength(2);
    expect(events.map((e) => e.type).filter((type) => type !== "delta")).toEqual(["start", "repair", "done"]);
    const repair = bodies[1]!.messages;
    expect(repair.at(-2)).toEqual({ role: "assistant", content: '{"title": "通知", "body": ' });
    expect(repair.at(-1)?.content).toMatch(/不是符合要求的 JSON/);
    expect(done?.version).toMatchObject({ status: "ok", content: VALID_ANNOUNCEMENT });
    expect(onUsage).toHaveBeenCalledWith(expect.objectContaining({ totalTokens: 300 }), expect.any(String));
  });

  it("falls back to a readable announcement when the repair fails too", async () => {
    const { open, bodies } = replies("对不起，我不会写 JSON。", '{"title":"OA 停机维护","body":"各位同事：系统将停机');
    const { done } = await generate(open);
    expect(bodies).toHaveLength(2);
    expect(done?.version.status).toBe("fallback");
    expect(done?.version.content).toMatchObject({
      title: "OA 停机维护",
      body: "各位同事：系统将停机",
      signoff: { issuer: "信息技术部", date: "2026年11月27日" },
    });
  });

  it("revises a version: the previous one goes back as the model's answer, and both stay", async () => {
    const first = replies(JSON.stringify(VALID_ANNOUNCEMENT));
    const { done } = await generate(first.open);
    const revised = { ...VALID_ANNOUNCEMENT, title: "关于OA系统停机维护的正式通知" };
    const second = replies(JSON.stringify(revised));
    const { done: again } = await generate(second.open, {
      announcementId: done!.announcementId,
      revision: { versionId: done!.version.id, instruction: "更正式一些" },
    });
    const messages = second.bodies[0]!.messages;
    expect(messages.at(-2)).toEqual({ role: "assistant", content: JSON.stringify(VALID_ANNOUNCEMENT) });
    expect(messages.at(-1)?.content).toContain("更正式一些");
    expect(again?.version).toMatchObject({ seq: 2, instruction: "更正式一些", content: revised });
    const stored = await getAnnouncement(t.db, user, done!.announcementId);
    expect(stored?.versions.map((v) => v.seq)).toEqual([1, 2]);
    expect(stored?.announcement.title).toBe(revised.title);
  });

  it("reports a gateway failure as an error event, never a crash", async () => {
    const open = vi.fn(async () => {
      throw new (await import("@/lib/errors")).AppError("upstream_unavailable", { attempts: 4 });
    });
    const { events } = await generate(open);
    expect(events.at(-1)).toMatchObject({ type: "error", error: { code: "upstream_unavailable" } });
  });

  it("answers not found for someone else's announcement", async () => {
    const { open } = replies(JSON.stringify(VALID_ANNOUNCEMENT));
    const { events } = await generate(open, { announcementId: "not-mine" });
    expect(events).toEqual([
      expect.objectContaining({ type: "error", error: expect.objectContaining({ code: "not_found" }) }),
    ]);
    expect(open).not.toHaveBeenCalled();
  });
});
