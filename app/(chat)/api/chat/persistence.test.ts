import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getConversation, renameConversation } from "@/lib/db/queries/conversations";
import { listMessages } from "@/lib/db/queries/messages";
import { setUserLimits } from "@/lib/db/queries/limits";
import { insertUsage, tokensUsedOn } from "@/lib/db/queries/usage";
import { shanghaiDay } from "@/lib/db/day";
import { createSimulator, type Simulator } from "@/lib/simulator/server";
import type { SignedIn } from "@/test/app";
import {
  chatRequests,
  expectAppError,
  KEY,
  nextChatId,
  partsOf,
  postChat,
  startChatHarness,
  titleRequests,
  userMessage,
  waitFor,
  type ChatHarness,
} from "@/test/chat-route";
import { DIALECTS } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";

// What the chat route keeps: the question before the gateway is called, the reply while it streams
// and when it ends, usage per reply, the title after the first reply, and the quota before all of it.

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ port: 0, tokensPerSecond: 5000, keys: [KEY] });
});
afterAll(async () => {
  await sim?.close();
  await stopPgCluster();
});

describe.each(DIALECTS)("conversation storage through POST /api/chat on %s", { timeout: 60_000 }, (dialect) => {
  let h: ChatHarness;
  let alice: SignedIn;
  const messagesOf = (user: SignedIn, id: string) => listMessages(h.app.db, user.id, id);
  const settled = (user: SignedIn, id: string, count: number) =>
    waitFor(async () => {
      const stored = await messagesOf(user, id);
      return stored.length === count && stored.every((m) => m.status !== "streaming") ? stored : undefined;
    }, `${count} settled messages`);

  beforeAll(async () => {
    h = await startChatHarness(dialect, sim, { QUOTA_TOKENS_PER_DAY: "0", QUOTA_MAX_CONCURRENT: "0" });
    alice = await h.app.signIn();
  });
  afterAll(() => h?.close());
  beforeEach(() => sim.reset());

  it("stores the question before the gateway answers and the reply while it streams, then its outcome", async () => {
    const id = nextChatId();
    const chunks = Array.from({ length: 25 }, (_, i) => ({ content: `第${i}段。` }));
    sim.script([{ kind: "stream", chunks, chunkDelayMs: 70, firstByteDelayMs: 300, usage: { prompt_tokens: 42 } }]);
    const done = postChat(h, alice, { id, messages: [userMessage("慢慢回答", "q-1")] });
    // The gateway has not sent a byte yet: the question and an empty streaming reply exist.
    const early = await waitFor(async () => {
      const stored = await messagesOf(alice, id);
      return stored.length === 2 ? stored : undefined;
    }, "question and reply rows");
    expect(early.map((m) => [m.role, m.status, m.text])).toEqual([
      ["user", "done", "慢慢回答"],
      ["assistant", "streaming", ""],
    ]);
    // Written at least once a second while it grows.
    const growing = await waitFor(
      async () => {
        const reply = (await messagesOf(alice, id))[1];
        return reply?.status === "streaming" && reply.text.length > 0 ? reply : undefined;
      },
      "partial reply text",
      4000,
    );
    expect(growing.text).toMatch(/^第0段。/);
    await done;
    const [question, reply] = await settled(alice, id, 2);
    expect(question?.id).toBe("q-1");
    expect(reply).toMatchObject({ status: "done", text: chunks.map((c) => c.content).join("") });
    expect(reply?.metadata).toMatchObject({
      model: "glm-5-1",
      status: "done",
      finishReason: "stop",
      usage: { promptTokens: 42 },
    });
    await waitFor(
      async () => ((await tokensUsedOn(h.app.db, alice.id, shanghaiDay(Date.now()))) > 0 ? true : undefined),
      "usage",
    );
  });

  it("names a chat after its first reply, in its language and short; a rename is never overwritten", async () => {
    const zh = nextChatId();
    const en = nextChatId();
    sim.script([
      { kind: "stream", text: "好的。" },
      { kind: "stream", text: "Sure." },
      { kind: "stream", text: "再答" },
    ]);
    await postChat(h, alice, { id: zh, messages: [userMessage("请帮我写一份关于季度销售数据分析的详细报告")] });
    await postChat(h, alice, {
      id: en,
      messages: [userMessage("How do I write a good quarterly sales analysis report for the team?")],
    });
    const zhTitle = await waitFor(
      async () => (await getConversation(h.app.db, alice.id, zh))?.title || undefined,
      "zh title",
    );
    const enTitle = await waitFor(
      async () => (await getConversation(h.app.db, alice.id, en))?.title || undefined,
      "en title",
    );
    expect([...zhTitle].length).toBeLessThanOrEqual(12);
    expect(zhTitle).toMatch(/^请帮我写/);
    expect(enTitle.split(" ").length).toBeLessThanOrEqual(6);
    expect(enTitle).toMatch(/^How do I/);
    const asked = (question: string) =>
      titleRequests(sim).filter((r) => JSON.stringify(r.body).includes(question.slice(0, 8)));
    expect(asked("请帮我写一份")[0]?.body).toMatchObject({
      stream: false,
      max_tokens: 48,
      user: expect.stringMatching(/^u_/),
    });
    await renameConversation(h.app.db, alice.id, zh, "我的报告");
    await postChat(h, alice, { id: zh, messages: [userMessage("再来")] });
    await settled(alice, zh, 4);
    expect((await getConversation(h.app.db, alice.id, zh))?.title).toBe("我的报告");
    // Only the first reply asks for a title.
    expect(asked("请帮我写一份")).toHaveLength(1);
  });

  it("has the reply final in the database, with its usage, when its response ends", async () => {
    // Found by the load suite on PostgreSQL: a follow-up sent the moment a stream closed could read the
    // previous reply still 'streaming' (its last once-a-second text) and ask for a second title.
    const id = nextChatId();
    const carol = await h.app.signIn();
    sim.script([{ kind: "stream", text: "完整的回答到此结束。", usage: { prompt_tokens: 11 } }]);
    await postChat(h, carol, { id, messages: [userMessage("马上看结果", "f-q1")] });
    const stored = await messagesOf(carol, id);
    expect(stored.map((m) => [m.role, m.status, m.text])).toEqual([
      ["user", "done", "马上看结果"],
      ["assistant", "done", "完整的回答到此结束。"],
    ]);
    expect(await tokensUsedOn(h.app.db, carol.id, shanghaiDay(Date.now()))).toBeGreaterThan(0);
    // Its title comes after the response: let it land here, not in the next test's gateway log.
    await waitFor(async () => (await getConversation(h.app.db, carol.id, id))?.title || undefined, "title");
  });

  it("asks for one title even when a follow-up comes before the first title is written", async () => {
    const id = nextChatId();
    sim.script([
      { kind: "stream", text: "第一段回答。" },
      { kind: "stream", text: "第二段回答。" },
      { kind: "stream", text: "总结完毕。" },
    ]);
    const question = "请帮我整理一下第三季度的销售数据";
    await postChat(h, alice, { id, messages: [userMessage(question, "t-q1")] });
    await settled(alice, id, 2);
    await waitFor(async () => (await getConversation(h.app.db, alice.id, id))?.title || undefined, "title");
    expect(titleRequests(sim)).toHaveLength(1);
    // As the chat looks while that title call is still out: a finished reply, no title yet.
    await h.app.db.kysely.updateTable("conversations").set({ title: "" }).where("id", "=", id).execute();
    await postChat(h, alice, { id, messages: [userMessage("再补充一些细节", "t-q2")] });
    await settled(alice, id, 4);
    // A third turn: by the time it has been answered, the second one's after-work (usage, and a title
    // call if it made one) is long done.
    await postChat(h, alice, { id, messages: [userMessage("最后总结一下", "t-q3")] });
    await settled(alice, id, 6);
    expect(titleRequests(sim)).toHaveLength(1);
  });

  it("regenerate replaces the last reply; edit and resend replaces the question and what followed", async () => {
    const id = nextChatId();
    sim.script([
      { kind: "stream", text: "答一" },
      { kind: "stream", text: "答二" },
      { kind: "stream", text: "重答" },
      { kind: "stream", text: "改后答" },
    ]);
    await postChat(h, alice, { id, messages: [userMessage("问一", "q1")] });
    await postChat(h, alice, { id, messages: [userMessage("问二", "q2")] });
    await settled(alice, id, 4);
    await postChat(h, alice, { id, trigger: "regenerate-message", messages: [userMessage("问二", "q2")] });
    expect((await settled(alice, id, 4)).map((m) => m.text)).toEqual(["问一", "答一", "问二", "重答"]);
    await postChat(h, alice, { id, messageId: "q1", messages: [userMessage("改过的问一", "q1")] });
    expect((await settled(alice, id, 2)).map((m) => m.text)).toEqual(["改过的问一", "改后答"]);
    expect((chatRequests(sim).at(-1)?.body as { messages: unknown }).messages).toEqual([
      { role: "user", content: "改过的问一" },
    ]);
  });

  it("continue extends the stored reply and counts its usage too; dropped turns leave the database", async () => {
    const id = nextChatId();
    sim.script([
      { kind: "stream", text: "前半", finishReason: "length", usage: { prompt_tokens: 10, completion_tokens: 5 } },
      { kind: "stream", text: "后半", usage: { prompt_tokens: 20, completion_tokens: 7 } },
      { kind: "stream", text: "新答" },
    ]);
    const first = partsOf((await postChat(h, alice, { id, messages: [userMessage("长文", "c1")] })).text);
    const cutId = String(first[0]?.messageId);
    const before = await tokensUsedOn(h.app.db, alice.id, shanghaiDay(Date.now()));
    await postChat(h, alice, { id, continue: true, messages: [{ id: cutId, role: "assistant", parts: [] }] });
    const [, reply] = await settled(alice, id, 2);
    expect(reply).toMatchObject({ id: cutId, status: "done", text: "前半后半" });
    await waitFor(
      async () => ((await tokensUsedOn(h.app.db, alice.id, shanghaiDay(Date.now()))) >= before + 27 ? true : undefined),
      "continuation usage",
    );
    await postChat(h, alice, { id, firstMessageId: "c3", messages: [userMessage("第三问", "c3")] });
    expect((await settled(alice, id, 2)).map((m) => m.text)).toEqual(["第三问", "新答"]);
  });

  it("over the daily token quota: 429 with used, limit and reset; nothing stored, the gateway not called", async () => {
    const bob = await h.app.signIn();
    await setUserLimits(h.app.db, bob.id, { tokensPerDay: 30, maxConcurrent: null });
    sim.script([{ kind: "stream", text: "一次", usage: { prompt_tokens: 25, completion_tokens: 10 } }]);
    await postChat(h, bob, { id: nextChatId(), messages: [userMessage("第一次")] });
    // The reply's 35 tokens and the title's: both are spent on the key.
    await waitFor(() => (titleRequests(sim).length > 0 ? true : undefined), "the title call");
    const used = await waitFor(async () => {
      const n = await tokensUsedOn(h.app.db, bob.id, shanghaiDay(Date.now()));
      return n > 35 ? n : undefined;
    }, "usage");
    const calls = chatRequests(sim).length;
    const id = nextChatId();
    const error = await expectAppError(
      postChat(h, bob, { id, messages: [userMessage("第二次")] }),
      429,
      "quota_tokens_exceeded",
    );
    expect(error.params).toMatchObject({ used, limit: 30, resetAt: expect.stringMatching(/^\d{4}-\d\d-\d\d 00:00$/) });
    expect(error.message["zh-CN"]).toContain(String(used));
    expect(chatRequests(sim)).toHaveLength(calls);
    expect(await getConversation(h.app.db, bob.id, id)).toBeUndefined();
  });

  it("at the concurrency limit: 429 quota_concurrency_exceeded while a reply runs in another chat", async () => {
    const carol = await h.app.signIn();
    await setUserLimits(h.app.db, carol.id, { tokensPerDay: null, maxConcurrent: 1 });
    sim.script([{ kind: "stream", chunks: Array.from({ length: 40 }, () => ({ content: "慢" })), chunkDelayMs: 30 }]);
    const running = postChat(h, carol, { id: nextChatId(), messages: [userMessage("长的")] });
    await waitFor(() => (chatRequests(sim).length === 1 ? true : undefined), "first reply running");
    await expectAppError(
      postChat(h, carol, { id: nextChatId(), messages: [userMessage("另一个")] }),
      429,
      "quota_concurrency_exceeded",
    );
    await running;
  });

  /**
   * A question's request goes to the gateway while its turn is being stored (lib/chat/chat-post.ts): those of the
   * questions refused there were cancelled, and only the reply that started is still (or was fully) answered.
   */
  const onlyOneRequestLeft = () =>
    waitFor(
      () => (chatRequests(sim).filter((r) => !r.closedEarly).length === 1 ? true : undefined),
      "the refused questions' gateway requests cancelled",
    );
  it("a question refused as its turn is stored cancels the gateway request already sent for it", async () => {
    const owner = await h.app.signIn();
    const other = await h.app.signIn();
    const id = nextChatId();
    sim.script([{ kind: "stream", text: "属于别人" }]);
    const first = await postChat(h, owner, { id, messages: [userMessage("我的对话")] });
    expect(first.response.status).toBe(200);
    await settled(owner, id, 2);
    const before = chatRequests(sim).length;
    // Someone else's chat id: nothing to read for this user, so the request goes out as for a new chat, and the
    // write that would create the chat finds it taken.
    sim.script([{ kind: "stream", text: "不该回答", firstByteDelayMs: 60_000 }]);
    const refused = await postChat(h, other, { id, messages: [userMessage("别人的对话")] });
    await expectAppError(refused, 404, "not_found");
    const sent = await waitFor(() => {
      const late = chatRequests(sim).slice(before);
      return late.length === 1 && late[0]!.closedEarly ? late : undefined;
    }, "the refused question's request cancelled");
    expect((sent[0]!.body as { messages: Array<{ content: unknown }> }).messages.at(-1)?.content).toBe("别人的对话");
    // Nothing of it was stored, and the owner's chat is as it was.
    expect((await messagesOf(owner, id)).map((m) => m.text)).toEqual(["我的对话", "属于别人"]);
  });
  it("at the concurrency limit: of questions sent in the same instant exactly one starts, the others get 429", async () => {
    const dave = await h.app.signIn();
    await setUserLimits(h.app.db, dave.id, { tokensPerDay: null, maxConcurrent: 1 });
    // The reply that starts holds its place until every other answer is in.
    const ids = [nextChatId(), nextChatId(), nextChatId(), nextChatId()];
    sim.script([{ kind: "stream", text: "只有一个", firstByteDelayMs: 60_000, times: ids.length }]);
    let answered = 0;
    const posts = ids.map((id, i) =>
      postChat(h, dave, { id, messages: [userMessage(`同时${i}`)] }).finally(() => answered++),
    );
    await waitFor(() => (answered >= ids.length - 1 ? true : undefined), "all but one answered");
    await waitFor(async () => {
      const { released } = (await (await fetch(`${sim.url}/__control/release`, { method: "POST" })).json()) as {
        released: number;
      };
      return released > 0 ? true : undefined;
    }, "the held reply released");
    const results = await Promise.all(posts);
    expect(results.filter((r) => r.response.status === 200)).toHaveLength(1);
    for (const result of results.filter((r) => r.response.status !== 200)) {
      const error = await expectAppError(result, 429, "quota_concurrency_exceeded");
      expect(error.params).toEqual({ limit: 1 });
    }
    await onlyOneRequestLeft();
    // The refused questions left no chat behind.
    const kept = await Promise.all(ids.map((id) => getConversation(h.app.db, dave.id, id)));
    expect(kept.filter(Boolean)).toHaveLength(1);
  });
  it("near the daily token limit: of questions sent in the same instant exactly one starts, the others get 429", async () => {
    const erin = await h.app.signIn();
    await setUserLimits(h.app.db, erin.id, { tokensPerDay: 10_000, maxConcurrent: null });
    const day = () => shanghaiDay(Date.now());
    const spent = { promptTokens: 8990, completionTokens: 10, cachedTokens: 0, totalTokens: 9000 };
    await insertUsage(h.app.db, { userId: erin.id, messageId: `erin-${nextChatId()}`, model: "glm-5-1", usage: spent });
    // 9000 of 10 000 used: each question passes the early check; the one that starts reserves its max output
    // tokens (the model's 16 384: none asked) and its prompt's estimate until it ends.
    const ids = [nextChatId(), nextChatId(), nextChatId(), nextChatId()];
    sim.script([
      {
        kind: "stream",
        text: "只有一个",
        firstByteDelayMs: 60_000,
        usage: { prompt_tokens: 20, completion_tokens: 10 },
        times: ids.length,
      },
    ]);
    let answered = 0;
    const posts = ids.map((id, i) =>
      postChat(h, erin, { id, messages: [userMessage(`额度${i}`)] }).finally(() => answered++),
    );
    await waitFor(() => (answered >= ids.length - 1 ? true : undefined), "all but one answered");
    await waitFor(async () => {
      const { released } = (await (await fetch(`${sim.url}/__control/release`, { method: "POST" })).json()) as {
        released: number;
      };
      return released > 0 ? true : undefined;
    }, "the held reply released");
    const results = await Promise.all(posts);
    expect(results.filter((r) => r.response.status === 200)).toHaveLength(1);
    for (const result of results.filter((r) => r.response.status !== 200)) {
      const error = await expectAppError(result, 429, "quota_tokens_exceeded");
      expect(error.params).toMatchObject({ limit: 10_000 });
      expect(Number(error.params?.used)).toBeGreaterThan(9000 + 16_384);
      expect(error.message.en).toContain("of 10000 tokens");
    }
    await onlyOneRequestLeft();
    const kept = await Promise.all(ids.map((id) => getConversation(h.app.db, erin.id, id)));
    expect(kept.filter(Boolean)).toHaveLength(1);

    // The reply ended: its 30 tokens are recorded and its reservation is gone, so the next question starts.
    const started = ids[kept.findIndex(Boolean)]!;
    await settled(erin, started, 2);
    await waitFor(async () => ((await tokensUsedOn(h.app.db, erin.id, day())) >= 9030 ? true : undefined), "usage");
    sim.reset(); // (the held entries no refused question took)
    sim.script([{ kind: "stream", text: "又一个", usage: { prompt_tokens: 20, completion_tokens: 10 } }]);
    const nextId = nextChatId();
    const next = await postChat(h, erin, { id: nextId, messages: [userMessage("结束之后")] });
    expect(next.response.status).toBe(200);
    // (Its title is asked for after it: done before the database closes.)
    await waitFor(
      async () => ((await getConversation(h.app.db, erin.id, nextId))?.title ? true : undefined),
      "the title",
    );
  });
});
