import { randomUUID } from "node:crypto";
import { expect } from "@playwright/test";
import type { SimulatorControl } from "../fixtures";
import type { ChatPage } from "./chat-page";
import type { StoredChats, StoredMessage } from "./stored-chat";

// "Nothing else disturbed", the same way for every fault: a finished conversation is stored before
// the fault and must be byte-for-byte the same afterwards, and the faulted conversation takes its
// next question as if nothing had happened, without rewriting the faulted reply.

export interface Bystander {
  id: string;
  messages: StoredMessage[];
}

/**
 * A finished conversation of the same user, asked through POST /api/chat as the page would (the
 * browser's cookies), then a new, empty chat opened in the page for the fault.
 */
export async function startWithBystander(chat: ChatPage, sim: SimulatorControl, stored: StoredChats, baseURL: string) {
  await sim.script({ kind: "stream", text: "旁观的对话，已经完整回答。" });
  const id = randomUUID();
  const res = await chat.page.request.post("/api/chat", {
    headers: { origin: baseURL },
    data: {
      id,
      model: "glm-5-1",
      messages: [{ id: `q-${id}`, role: "user", parts: [{ type: "text", text: "另一个对话里的问题" }] }],
    },
  });
  expect(res.status(), await res.text()).toBe(200);
  const reply = await stored.finalReply(id);
  expect(reply).toMatchObject({ status: "done", text: "旁观的对话，已经完整回答。" });
  const bystander: Bystander = { id, messages: stored.messages(id) };
  await chat.goto("/new");
  await expect(chat.messages).toHaveCount(0);
  return bystander;
}

/** Ends the simulator's current waits (a stall, a first byte held back) now: POST /__control/release. */
export async function releaseStalls(sim: SimulatorControl): Promise<number> {
  const res = await fetch(`${sim.baseUrl}/__control/release`, { method: "POST" });
  expect(res.ok).toBe(true);
  return ((await res.json()) as { released: number }).released;
}

/** Chat requests the simulator saw after the first `skip` (e.g. the bystander's). */
export async function chatRequestsAfter(sim: SimulatorControl, skip: number) {
  return (await sim.chatRequests()).slice(skip);
}

/**
 * The other conversation is untouched; the next question in the faulted one gets a whole reply,
 * stored as done, and the faulted reply stays exactly as it was stored.
 */
export async function expectNothingElseDisturbed(
  chat: ChatPage,
  sim: SimulatorControl,
  stored: StoredChats,
  bystander: Bystander,
  faultedId: string,
): Promise<void> {
  expect(stored.messages(bystander.id), "the other conversation is untouched").toEqual(bystander.messages);
  const before = stored.messages(faultedId);
  const answer = "故障之后的下一条消息照常回答。";
  await sim.script({ kind: "stream", text: answer });
  await chat.askAndWait("下一条消息");
  await expect(chat.assistant()).toHaveAttribute("data-status", "done");
  await expect(chat.assistant()).toContainText(answer);
  await expect(chat.errorNotice).toHaveCount(0);
  const reply = await stored.finalReply(faultedId);
  expect(reply).toMatchObject({ status: "done", text: answer });
  expect(stored.messages(faultedId).slice(0, before.length), "the faulted reply is kept as it was").toEqual(before);
  expect(stored.messages(bystander.id)).toEqual(bystander.messages);
}
