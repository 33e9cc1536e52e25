import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppErrorPayload } from "@/lib/errors";
import { ensureConversation } from "@/lib/db/queries/conversations";
import { getMessage } from "@/lib/db/queries/messages";
import { createSimulator, type Simulator } from "@/lib/simulator/server";
import type { SignedIn } from "@/test/app";
import {
  assertNoSecrets,
  chatRequests,
  goodBody,
  idCtx,
  KEY,
  partsOf,
  postChat,
  readParts,
  startChatHarness,
  waitFor,
  type ChatHarness,
  type Part,
} from "@/test/chat-route";
import { DIALECTS } from "@/test/db";
import { stopPgCluster } from "@/test/pg-cluster";

// Stop (POST /api/chat/[id]/stop) and re-attach (GET /api/chat/[id]/stream): a generation belongs to
// the server and to the user who started it.

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ port: 0, tokensPerSecond: 5000, keys: [KEY] });
});
afterAll(async () => {
  await sim?.close();
  await stopPgCluster();
});

describe.each(DIALECTS)("stop and stream on %s", { timeout: 60_000 }, (dialect) => {
  let h: ChatHarness;
  let alice: SignedIn;
  let mallory: SignedIn;
  const stopAs = (user: SignedIn | undefined, id: string, headers: Record<string, string> = {}) =>
    h.stop.POST(
      new Request(`${h.app.origin}/api/chat/${id}/stop`, {
        method: "POST",
        headers: { ...(user ? { cookie: user.cookie } : {}), ...headers },
      }),
      idCtx(id),
    );
  const streamAs = (user: SignedIn | undefined, id: string) =>
    h.stream.GET(
      new Request(`${h.app.origin}/api/chat/${id}/stream`, { headers: user ? { cookie: user.cookie } : {} }),
      idCtx(id),
    );

  beforeAll(async () => {
    h = await startChatHarness(dialect, sim);
    alice = await h.app.signIn();
    mallory = await h.app.signIn();
  });
  afterAll(() => h?.close());
  beforeEach(() => sim.reset());

  it("Stop closes the upstream connection, ends the stream with an abort chunk and stores the partial reply", async () => {
    const chunks = Array.from({ length: 200 }, (_, i) => ({ content: `片${i} ` }));
    sim.script([{ kind: "stream", chunks, chunkDelayMs: 20 }]);
    const body = goodBody();
    const response = await h.chat.POST(
      new Request(`${h.app.origin}/api/chat`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { cookie: alice.cookie },
      }),
    );
    expect(response.status).toBe(200);
    const parts: Array<Part | "[DONE]"> = [];
    const reading = readParts(response.body!, (p) => parts.push(p));
    // Stopped once the first two pieces arrived (the stored text must keep them).
    const textSoFar = () =>
      parts.map((p) => (p !== "[DONE]" && p.type === "text-delta" ? String(p.delta) : "")).join("");
    await waitFor(() => (textSoFar().startsWith("片0 片1 ") ? true : undefined), "first text");

    // Someone else who learns the chat id can neither stop, replace nor watch the reply.
    expect((await stopAs(mallory, body.id)).status).toBe(404);
    expect((await postChat(h, mallory, body)).response.status).toBe(404);
    expect((await streamAs(mallory, body.id)).status).toBe(404);
    expect((await stopAs(undefined, body.id)).status).toBe(401);

    const stopped = await stopAs(alice, body.id);
    expect(await stopped.json()).toEqual({ stopped: true });
    const raw = await reading;
    assertNoSecrets(sim, "stopped stream", response.headers, raw);
    const objects = parts.filter((p): p is Part => p !== "[DONE]");
    expect(parts.at(-1)).toBe("[DONE]");
    expect(objects.at(-1)).toEqual({ type: "abort", reason: "stopped" });
    expect(objects.find((p) => p.type === "message-metadata")?.messageMetadata).toMatchObject({
      status: "interrupted",
      finishReason: "aborted",
    });

    const upstream = await waitFor(() => chatRequests(sim).find((r) => r.closedEarly), "closedEarly upstream");
    expect(upstream.completed).toBe(false);
    expect(upstream.chunksSent).toBeLessThan(chunks.length);
    const replyId = String((objects[0] as { messageId: string }).messageId);
    const stored = await waitFor(async () => {
      const m = await getMessage(h.app.db, alice.id, replyId);
      return m?.status === "interrupted" ? m : undefined;
    }, "the stopped reply stored");
    expect(stored.text).toMatch(/^片0 片1 /);
    expect(stored.metadata).toMatchObject({ status: "interrupted", finishReason: "aborted" });
    expect(await (await stopAs(alice, body.id)).json()).toEqual({ stopped: false });
  });

  it("a closed browser stream does not stop the generation: it finishes and is stored", async () => {
    sim.script([
      { kind: "stream", chunks: Array.from({ length: 20 }, (_, i) => ({ content: `${i},` })), chunkDelayMs: 5 },
    ]);
    const body = goodBody();
    const response = await h.chat.POST(
      new Request(`${h.app.origin}/api/chat`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { cookie: alice.cookie },
      }),
    );
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const replyId = /"messageId":"([^"]+)"/.exec(first)?.[1] ?? "";
    const upstream = await waitFor(() => chatRequests(sim).find((r) => r.completed), "upstream completed");
    expect(upstream.closedEarly).toBe(false);
    const stored = await waitFor(async () => {
      const m = await getMessage(h.app.db, alice.id, replyId);
      return m?.status === "done" ? m : undefined;
    }, "the reply stored");
    expect(stored.text).toBe(Array.from({ length: 20 }, (_, i) => `${i},`).join(""));
  });

  it("replays a generation to a reloaded page; 204 when nothing runs; 404 for unknown or others' chats", async () => {
    sim.script([{ kind: "stream", text: "可以重放的回答" }]);
    const body = goodBody();
    const { text: original } = await postChat(h, alice, body);
    const replay = await streamAs(alice, body.id);
    expect(replay.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    const replayed = await replay.text();
    assertNoSecrets(sim, "stream replay", replay.headers, replayed);
    expect(replayed).toBe(original);
    expect(partsOf(replayed).at(-1)).toMatchObject({ type: "finish" });
    expect((await streamAs(mallory, body.id)).status).toBe(404);
    expect((await streamAs(alice, "no-such-chat")).status).toBe(404);
    expect((await streamAs(undefined, body.id)).status).toBe(401);
    // A stored chat with nothing running: nothing to resume.
    const quiet = await ensureConversation(h.app.db, alice.id, { model: "glm-5-1" });
    expect((await streamAs(alice, quiet.id)).status).toBe(204);
  });

  it("a page re-attaching to a continuation gets the reply's first half too; the live response does not", async () => {
    sim.script([
      { kind: "stream", text: "前半部分", finishReason: "length" },
      { kind: "stream", text: "后半部分" },
    ]);
    const body = goodBody();
    const cutId = String(partsOf((await postChat(h, alice, body)).text)[0]?.messageId);
    const live = partsOf(
      (
        await postChat(h, alice, {
          id: body.id,
          continue: true,
          messages: [{ id: cutId, role: "assistant", parts: [] }],
        })
      ).text,
    );
    const replayed = partsOf(await (await streamAs(alice, body.id)).text());
    const deltas = (parts: Part[]) => parts.filter((p) => p.type === "text-delta").map((p) => p.delta);
    expect(deltas(live).join("")).toBe("后半部分");
    expect(deltas(replayed).join("")).toBe("前半部分后半部分");
    expect(replayed[0]).toMatchObject({ type: "start", messageId: cutId });
  });

  it("answers 404 not_found for an unknown chat and refuses a cross-origin stop", async () => {
    const response = await stopAs(alice, "no-such-chat");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: AppErrorPayload }).error.code).toBe("not_found");
    expect((await stopAs(alice, "whatever", { origin: "https://evil.example", host: "localhost" })).status).toBe(403);
  });
});
