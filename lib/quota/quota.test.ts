import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureConversation, getConversation } from "@/lib/db/queries/conversations";
import { prepareTurn } from "@/lib/chat/turn";
import {
  appendTurnMessages,
  countStreamingReplies,
  finalizeMessage,
  listMessages,
  reopenReply,
  startAssistantMessage,
} from "@/lib/db/queries/messages";
import { AppError } from "@/lib/errors";
import { createTestUser, DIALECTS, openTestDatabase, type TestDatabase } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";
import {
  checkQuota,
  concurrencyLimit,
  effectiveLimits,
  quotaStatus,
  recordUsage,
  setLimits,
  tokenLimit,
  withPrompt,
} from "./index";

afterAll(stopPgCluster);

const defaults = { tokensPerDay: 1000, maxConcurrent: 2 };
// 2030-03-01 10:00 in Shanghai.
const NOW = Date.UTC(2030, 2, 1, 2, 0);
const usage = (total: number) => ({
  promptTokens: total - 10,
  completionTokens: 10,
  cachedTokens: 0,
  totalTokens: total,
});

async function quotaError(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe.each(DIALECTS)("quota on %s", (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(dialect);
  }, 60_000);
  afterAll(() => t?.cleanup());

  it("uses the defaults, an admin's override, and 0 as unlimited", async () => {
    const user = await createTestUser(t, "limits@example.com");
    expect(await effectiveLimits(t.db, user, defaults)).toEqual({ tokensPerDay: 1000, maxConcurrent: 2 });
    await setLimits(t.db, user, { tokensPerDay: 5000, maxConcurrent: null });
    expect(await effectiveLimits(t.db, user, defaults)).toEqual({ tokensPerDay: 5000, maxConcurrent: 2 });
    await setLimits(t.db, user, { tokensPerDay: 0, maxConcurrent: 0 });
    expect(await effectiveLimits(t.db, user, defaults)).toEqual({ tokensPerDay: null, maxConcurrent: null });
    expect(await effectiveLimits(t.db, user, { tokensPerDay: 0, maxConcurrent: 0 })).toEqual({
      tokensPerDay: null,
      maxConcurrent: null,
    });
  });

  it("refuses once today's tokens reach the limit, until Shanghai midnight", async () => {
    const user = await createTestUser(t, "tokens@example.com");
    await recordUsage(t.db, { userId: user, messageId: "q-1", model: "glm-5-1", usage: usage(600), at: NOW - 1000 });
    // Yesterday (Shanghai) does not count.
    await recordUsage(t.db, {
      userId: user,
      messageId: "q-0",
      model: "glm-5-1",
      usage: usage(5000),
      at: Date.UTC(2030, 2, 1, 15, 59) - 86_400_000,
    });
    expect(await checkQuota(t.db, user, { defaults, now: NOW })).toMatchObject({ usedTokens: 600, tokensPerDay: 1000 });

    await recordUsage(t.db, { userId: user, messageId: "q-2", model: "glm-5-1", usage: usage(400), at: NOW });
    await recordUsage(t.db, { userId: user, messageId: "q-2", model: "glm-5-1", usage: usage(400), at: NOW }); // once
    const err = await quotaError(checkQuota(t.db, user, { defaults, now: NOW }));
    expect(err.code).toBe("quota_tokens_exceeded");
    expect(err.status).toBe(429);
    expect(err.params).toMatchObject({ used: 1000, limit: 1000, resetAt: "2030-03-02 00:00" });
    expect(err.toPayload().message["zh-CN"]).toContain("2030-03-02 00:00");

    // A new Shanghai day starts from zero; an admin's higher limit applies at once.
    expect(await checkQuota(t.db, user, { defaults, now: Date.UTC(2030, 2, 1, 16, 0) })).toMatchObject({
      usedTokens: 0,
      day: "2030-03-02",
    });
    await setLimits(t.db, user, { tokensPerDay: 2000, maxConcurrent: null });
    await expect(checkQuota(t.db, user, { defaults, now: NOW })).resolves.toMatchObject({ usedTokens: 1000 });
  });

  it("refuses a third reply while two are being written", async () => {
    const user = await createTestUser(t, "busy@example.com");
    const now = Date.now();
    const a = await ensureConversation(t.db, user, { model: "glm-5-1" });
    const b = await ensureConversation(t.db, user, { model: "glm-5-1" });
    await startAssistantMessage(t.db, user, a.id, { id: "busy-1", model: "glm-5-1", now });
    await expect(checkQuota(t.db, user, { defaults, now })).resolves.toMatchObject({ streaming: 1 });
    await startAssistantMessage(t.db, user, b.id, { id: "busy-2", model: "glm-5-1", now });
    const err = await quotaError(checkQuota(t.db, user, { defaults, now }));
    expect(err.code).toBe("quota_concurrency_exceeded");
    expect(err.params).toEqual({ limit: 2 });
    // A reply being replaced in the same chat does not block its successor.
    await expect(checkQuota(t.db, user, { defaults, now, ignoreConversationId: b.id })).resolves.toBeDefined();
    // A reply whose server went away (not written to for a minute) does not count.
    await expect(checkQuota(t.db, user, { defaults, now: now + 61_000 })).resolves.toMatchObject({ streaming: 0 });
    await finalizeMessage(t.db, user, "busy-2", { status: "done", parts: [], metadata: {} });
    await expect(checkQuota(t.db, user, { defaults, now })).resolves.toMatchObject({ streaming: 1 });
  });

  it("gives the last free place to exactly one of several questions checked at the same moment", async () => {
    const user = await createTestUser(t, "race@example.com");
    const busy = await ensureConversation(t.db, user, { model: "glm-5-1" });
    await startAssistantMessage(t.db, user, busy.id, { id: "race-busy", model: "glm-5-1" });
    // Three chats that exist (the general path) and three new ones (created with their question).
    const existing = await Promise.all([1, 2, 3].map(() => ensureConversation(t.db, user, { model: "glm-5-1" })));
    const chatIds = [...existing.map((c) => c.id), "race-new-1", "race-new-2", "race-new-3"];
    // Every check passes first (one of two places is free), then every turn is stored at once.
    const checks = await Promise.all(
      chatIds.map((id) => checkQuota(t.db, user, { defaults, ignoreConversationId: id })),
    );
    expect(checks.map((c) => c.streaming)).toEqual(chatIds.map(() => 1));
    const turns = await Promise.allSettled(
      chatIds.map((chatId, i) =>
        prepareTurn(t.db, user, {
          chatId,
          model: "glm-5-1",
          settings: {},
          incoming: { id: `race-q-${i}`, role: "user", parts: [{ type: "text", text: `问题 ${i}` }] },
          maxMessages: 20,
          concurrency: concurrencyLimit(checks[i]!),
        }),
      ),
    );
    const stored = turns.filter((r) => r.status === "fulfilled");
    const refused = turns.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(stored).toHaveLength(1);
    expect(refused).toHaveLength(chatIds.length - 1);
    for (const err of refused) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("quota_concurrency_exceeded");
      expect((err as AppError).params).toEqual({ limit: 2 });
    }
    expect(await countStreamingReplies(t.db, user, { freshSince: Date.now() - 60_000 })).toBe(2);
    // A refused question left nothing behind: its new chat was not created, its existing chat got no rows.
    const refusedIds = chatIds.filter((_, i) => turns[i]!.status === "rejected");
    for (const id of refusedIds) {
      expect(await listMessages(t.db, user, id)).toEqual([]);
      if (id.startsWith("race-new")) expect(await getConversation(t.db, user, id)).toBeUndefined();
    }
    // With no limit (0 = unlimited) nothing is counted: concurrencyLimit gives none.
    expect(concurrencyLimit({ maxConcurrent: null })).toBeUndefined();
  });

  it("lets exactly one of two continuations reopen its reply when one place is free", async () => {
    const user = await createTestUser(t, "continue-race@example.com");
    const busy = await ensureConversation(t.db, user, { model: "glm-5-1" });
    await startAssistantMessage(t.db, user, busy.id, { id: "cont-busy", model: "glm-5-1" });
    const cut = await Promise.all(
      ["cont-a", "cont-b"].map(async (id) => {
        const chat = await ensureConversation(t.db, user, { model: "glm-5-1" });
        await startAssistantMessage(t.db, user, chat.id, { id, model: "glm-5-1" });
        await finalizeMessage(t.db, user, id, { status: "done", parts: [], metadata: {} });
        return chat.id;
      }),
    );
    const checks = await Promise.all(cut.map((id) => checkQuota(t.db, user, { defaults, ignoreConversationId: id })));
    const reopened = await Promise.allSettled(
      ["cont-a", "cont-b"].map((id, i) => reopenReply(t.db, user, id, Date.now(), concurrencyLimit(checks[i]!))),
    );
    expect(reopened.filter((r) => r.status === "fulfilled" && r.value === true)).toHaveLength(1);
    const refused = reopened.flatMap((r) => (r.status === "rejected" ? [r.reason as AppError] : []));
    expect(refused.map((e) => [e.code, e.params])).toEqual([["quota_concurrency_exceeded", { limit: 2 }]]);
    expect(await countStreamingReplies(t.db, user, { freshSince: Date.now() - 60_000 })).toBe(2);
    // Its own chat's reply does not count against a continuation (the reply it extends).
    const open = reopened.findIndex((r) => r.status === "fulfilled");
    const own = await reopenReply(t.db, user, ["cont-a", "cont-b"][open]!, Date.now(), { limit: 2, staleMs: 60_000 });
    expect(own).toBe(true);
  });

  describe("the daily token limit, held by replies in progress", () => {
    const tokenDefaults = { tokensPerDay: 1000, maxConcurrent: 0 };
    const ask = (chatId: string, i: number, tokens: ReturnType<typeof tokenLimit>) => (user: string) =>
      prepareTurn(t.db, user, {
        chatId,
        model: "glm-5-1",
        settings: {},
        incoming: { id: `${chatId}-q-${i}`, role: "user", parts: [{ type: "text", text: `问题 ${i}` }] },
        maxMessages: 20,
        tokens,
      });

    it("lets exactly one of several questions checked at the same moment near the limit start", async () => {
      const user = await createTestUser(t, "tokens-race@example.com");
      await recordUsage(t.db, { userId: user, messageId: "tr-used", model: "glm-5-1", usage: usage(900) });
      const existing = await Promise.all([1, 2].map(() => ensureConversation(t.db, user, { model: "glm-5-1" })));
      const chatIds = [...existing.map((c) => c.id), "tokens-new-1", "tokens-new-2"];
      // Every check passes (900 of 1000 used, nothing in progress), then every turn is stored at once.
      const checks = await Promise.all(chatIds.map(() => checkQuota(t.db, user, { defaults: tokenDefaults })));
      expect(checks.map((c) => c.usedTokens)).toEqual(chatIds.map(() => 900));
      const turns = await Promise.allSettled(
        chatIds.map((chatId, i) => ask(chatId, i, tokenLimit(checks[i]!, 200))(user)),
      );
      expect(turns.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = turns.flatMap((r) => (r.status === "rejected" ? [r.reason as AppError] : []));
      expect(refused).toHaveLength(chatIds.length - 1);
      // The reply that started reserves 200 tokens plus its question's estimate: 900 + that is the count.
      const reserved = withPrompt(tokenLimit(checks[0]!, 200), [
        { id: "q", role: "user", text: "问题 0", metadata: {} },
      ])!.reserve;
      expect(reserved).toBeGreaterThan(200);
      for (const err of refused) {
        expect(err).toBeInstanceOf(AppError);
        expect(err.code).toBe("quota_tokens_exceeded");
        expect(err.status).toBe(429);
        expect(err.params).toMatchObject({ used: 900 + reserved, limit: 1000 });
        expect(err.toPayload().message.en).toContain("of 1000 tokens");
      }
      // Nothing left behind by the refused ones.
      for (const [i, id] of chatIds.entries()) {
        if (turns[i]!.status === "fulfilled") continue;
        expect(await listMessages(t.db, user, id)).toEqual([]);
        if (id.startsWith("tokens-new")) expect(await getConversation(t.db, user, id)).toBeUndefined();
      }

      // The reply ends: its usage is recorded and its reservation goes with its streaming; the next one starts.
      const started = (turns.find((r) => r.status === "fulfilled") as PromiseFulfilledResult<{ replyId: string }>)
        .value;
      await recordUsage(t.db, { userId: user, messageId: started.replyId, model: "glm-5-1", usage: usage(40) });
      await finalizeMessage(t.db, user, started.replyId, { status: "done", parts: [], metadata: {} });
      const next = await checkQuota(t.db, user, { defaults: tokenDefaults });
      expect(next.usedTokens).toBe(940);
      await expect(ask("tokens-after", 9, tokenLimit(next, 200))(user)).resolves.toBeDefined();
    });

    it("frees a reservation whose reply stopped, failed, or whose server went away", async () => {
      const user = await createTestUser(t, "tokens-free@example.com");
      await recordUsage(t.db, { userId: user, messageId: "tf-used", model: "glm-5-1", usage: usage(500) });
      const check = await checkQuota(t.db, user, { defaults: tokenDefaults });
      const limit = tokenLimit(check, 600)!;
      const chat = await ensureConversation(t.db, user, { model: "glm-5-1" });
      const reply = (id: string, now = Date.now()) =>
        appendTurnMessages(t.db, user, chat.id, { reply: { id, model: "glm-5-1" }, now, tokens: limit });
      await reply("tf-1");
      // 500 used + 600 reserved: the next is refused while the first streams.
      const err = await quotaError(reply("tf-2"));
      expect([err.code, err.params?.used]).toEqual(["quota_tokens_exceeded", 1100]);
      // Stopped (interrupted, no usage reported) or failed: nothing held any more.
      await finalizeMessage(t.db, user, "tf-1", { status: "interrupted", parts: [], metadata: {} });
      await reply("tf-2");
      await finalizeMessage(t.db, user, "tf-2", { status: "error", parts: [], metadata: {} });
      // A reply whose server went away (not written to for a minute) holds nothing, as it takes no place.
      await reply("tf-3", Date.now() - 61_000);
      await reply("tf-4");
      // Unlimited: nothing is counted or reserved.
      expect(tokenLimit({ ...check, tokensPerDay: null }, 600)).toBeUndefined();
      expect(withPrompt(undefined, [])).toBeUndefined();
    });

    it("lets exactly one of two continuations reopen near the limit", async () => {
      const user = await createTestUser(t, "tokens-continue@example.com");
      await recordUsage(t.db, { userId: user, messageId: "tc-used", model: "glm-5-1", usage: usage(900) });
      for (const id of ["tc-a", "tc-b"]) {
        const chat = await ensureConversation(t.db, user, { model: "glm-5-1" });
        await startAssistantMessage(t.db, user, chat.id, { id, model: "glm-5-1" });
        await finalizeMessage(t.db, user, id, { status: "done", parts: [], metadata: {} });
      }
      const check = await checkQuota(t.db, user, { defaults: tokenDefaults });
      const reopened = await Promise.allSettled(
        ["tc-a", "tc-b"].map((id) => reopenReply(t.db, user, id, Date.now(), undefined, tokenLimit(check, 300))),
      );
      expect(reopened.filter((r) => r.status === "fulfilled" && r.value === true)).toHaveLength(1);
      const refused = reopened.flatMap((r) => (r.status === "rejected" ? [r.reason as AppError] : []));
      expect(refused.map((e) => [e.code, e.params?.used])).toEqual([["quota_tokens_exceeded", 1200]]);
    });
  });

  it("counts one user's use only against that user", async () => {
    const a = await createTestUser(t, "one@example.com");
    const b = await createTestUser(t, "two@example.com");
    await recordUsage(t.db, { userId: a, model: "glm-5-1", usage: usage(999_999), at: NOW });
    expect((await quotaStatus(t.db, b, { defaults, now: NOW })).usedTokens).toBe(0);
  });
});
