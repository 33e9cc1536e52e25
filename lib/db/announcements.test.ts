import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { DIALECTS, openTwoUserDatabase, type TestDatabase } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";
import {
  addAnnouncementVersion,
  createAnnouncement,
  deleteAnnouncement,
  getAnnouncement,
  getAnnouncementVersion,
  listAnnouncements,
} from "./queries/announcements";
import { ensureConversation } from "./queries/conversations";
import { appendUserMessage, listMessages, toUIMessage, type MessagePart } from "./queries/messages";
import { startReplyWriter } from "./reply-writer";

afterAll(stopPgCluster);

describe.each(DIALECTS)("announcements on %s", (dialect) => {
  let t: TestDatabase, alice: string, bob: string;
  beforeAll(async () => ({ t, alice, bob } = await openTwoUserDatabase(dialect)), 60_000);
  afterAll(() => t?.cleanup());

  it("keeps every version in order, the newest title on the announcement", async () => {
    const form = { kind: "maintenance", department: "信息技术部" };
    const a = await createAnnouncement(t.db, alice, { kind: "maintenance", form, now: 1000 });
    expect(a).toMatchObject({ userId: alice, kind: "maintenance", title: "", form, versionCount: 0 });

    const v1 = await addAnnouncementVersion(t.db, alice, a.id, {
      title: "系统维护通知",
      content: { title: "系统维护通知", body: "正文" },
      status: "ok",
      model: "glm-5-1",
      now: 2000,
    });
    const v2 = await addAnnouncementVersion(t.db, alice, a.id, {
      title: "关于系统停机维护的通知",
      content: { title: "关于系统停机维护的通知", body: "更正式的正文" },
      status: "fallback",
      model: "glm-5-1",
      instruction: "更正式一些",
      now: 3000,
    });
    expect([v1.seq, v2.seq]).toEqual([1, 2]);

    const found = await getAnnouncement(t.db, alice, a.id);
    expect(found?.announcement).toMatchObject({ title: "关于系统停机维护的通知", versionCount: 2, updatedAt: 3000 });
    expect(found?.versions.map((v) => [v.seq, v.instruction, v.status])).toEqual([
      [1, null, "ok"],
      [2, "更正式一些", "fallback"],
    ]);
    expect(found?.versions[1]?.content).toEqual({ title: "关于系统停机维护的通知", body: "更正式的正文" });
    expect(await getAnnouncementVersion(t.db, alice, a.id, v1.id)).toMatchObject({ seq: 1 });
  });

  it("lists only the owner's announcements with a version, newest first", async () => {
    const empty = await createAnnouncement(t.db, bob, { kind: "event", form: {}, now: 10 });
    const older = await createAnnouncement(t.db, bob, { kind: "holiday", form: {}, now: 20 });
    const newer = await createAnnouncement(t.db, bob, { kind: "policy", form: {}, now: 30 });
    for (const [a, now] of [
      [older, 100],
      [newer, 200],
    ] as const) {
      await addAnnouncementVersion(t.db, bob, a.id, { title: a.kind, content: {}, status: "ok", model: "m", now });
    }
    const list = await listAnnouncements(t.db, bob);
    expect(list.map((a) => a.id)).toEqual([newer.id, older.id]);
    expect(list.map((a) => a.id)).not.toContain(empty.id);
    expect((await listAnnouncements(t.db, alice)).every((a) => a.kind === "maintenance")).toBe(true);
  });

  it("treats another user's announcement as not found", async () => {
    const mine = await createAnnouncement(t.db, alice, { kind: "apology", form: {} });
    expect(await getAnnouncement(t.db, bob, mine.id)).toBeUndefined();
    const err = await addAnnouncementVersion(t.db, bob, mine.id, {
      title: "x",
      content: {},
      status: "ok",
      model: "m",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("not_found");
    expect(await deleteAnnouncement(t.db, bob, mine.id)).toBe(false);
    expect(await deleteAnnouncement(t.db, alice, mine.id)).toBe(true);
    expect(await getAnnouncement(t.db, alice, mine.id)).toBeUndefined();
  });

  it("stores a reply's tool parts as they are, so they round-trip to the browser", async () => {
    const chat = await ensureConversation(t.db, alice, { id: `tools-${dialect}`, model: "glm-5-1" });
    await appendUserMessage(t.db, alice, chat.id, { id: `q-${dialect}`, parts: [{ type: "text", text: "几点了？" }] });
    const writer = await startReplyWriter(t.db, {
      userId: alice,
      conversationId: chat.id,
      messageId: `r-${dialect}`,
      model: "glm-5-1",
      read: () => ({ text: "", reasoning: "" }),
    });
    const parts: MessagePart[] = [
      { type: "step-start" },
      {
        type: "dynamic-tool",
        toolCallId: "call_1",
        toolName: "current_time",
        state: "output-available",
        input: { timezone: "Asia/Shanghai" },
        output: { date: "2026-11-27", weekday: "星期五" },
        toolMetadata: { durationMs: 0.4 },
      },
      {
        type: "dynamic-tool",
        toolCallId: "call_2",
        toolName: "calculate",
        state: "output-error",
        input: { expression: "1/0" },
        errorText: "除数不能为零",
      },
      { type: "step-start" },
      { type: "text", text: "现在是星期五。", state: "done" },
    ];
    await writer.finish({ status: "done", text: "现在是星期五。", reasoning: "", finishReason: "stop", parts });
    const stored = (await listMessages(t.db, alice, chat.id)).at(-1)!;
    expect(stored.text).toBe("现在是星期五。");
    expect(toUIMessage(stored).parts).toEqual(parts);
  });
});
