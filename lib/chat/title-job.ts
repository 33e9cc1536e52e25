import "server-only";
import type { Db } from "@/lib/db/client";
import { setAutoTitle } from "@/lib/db/queries/conversations";
import { saveGatewayStatus } from "@/lib/db/queries/gateway-status";
import { completeChat, type CompleteOptions } from "@/lib/gateway/complete";
import type { WireChatRequest } from "@/lib/gateway/wire";
import { recordUsage } from "@/lib/quota";
import { nodeFetch, toChatUsage } from "./generate";
import { cleanTitle, fallbackTitle, titleLanguage, titleMessages } from "./title";

// Names a new conversation after its first reply: one small non-streamed call to the gateway.
// Best effort: any failure leaves the question itself (shortened) as the title.

export interface TitleJob {
  db: Db;
  userId: string;
  conversationId: string;
  question: string;
  answer: string;
  model: { id: string; thinking: boolean };
  /** The gateway's `user` field (hashed id). */
  gatewayUser: string;
  complete?: typeof completeChat;
  options?: Partial<CompleteOptions>;
}

/** Title requests in flight at once; more wait their turn. */
export const TITLE_CONCURRENCY = 4;
/**
 * Title requests that may wait. A gateway slower than the chats being started would otherwise let the
 * queue (each entry holding a question and its answer) grow without end; the oldest waiting one is
 * dropped instead, and its chat keeps the question as its title (what a failed title request leaves).
 */
export const TITLES_WAITING_MAX = 256;

/**
 * Runs tasks at most `concurrency` at a time, each after pending I/O (low priority); at most
 * `maxWaiting` wait, and when one more comes the oldest waiting task is skipped (resolves undefined).
 */
export function createLimiter(concurrency: number, maxWaiting: number) {
  let running = 0;
  const waiting: Array<(run: boolean) => void> = [];
  return async function limit<T>(task: () => Promise<T>): Promise<T | undefined> {
    if (running < concurrency) running++;
    else {
      if (waiting.length >= maxWaiting) waiting.shift()!(false);
      // true: the finishing task handed its slot over; false: dropped from the queue.
      if (!(await new Promise<boolean>((resolve) => waiting.push(resolve)))) return undefined;
    }
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next(true);
      else running--;
    }
  };
}

const titleLimiter = createLimiter(TITLE_CONCURRENCY, TITLES_WAITING_MAX);

/**
 * Names the chat in the background, after the reply: low priority (it starts after pending I/O) and at
 * most TITLE_CONCURRENCY at a time, so that many replies ending together do not send a burst of title
 * requests to the gateway while other replies are still streaming.
 */
export async function queueTitle(job: TitleJob): Promise<string | undefined> {
  const ran = await titleLimiter(async () => ({ title: await generateTitle(job) }));
  if (ran) return ran.title;
  // Dropped from a full queue: the question names the chat, as after a failed title request.
  const saved = await setAutoTitle(job.db, job.userId, job.conversationId, fallbackTitle(job.question));
  return saved?.title;
}

/** Returns the title set, or undefined when the user renamed the chat meanwhile (or it is gone). */
export async function generateTitle(job: TitleJob): Promise<string | undefined> {
  const language = titleLanguage(job.question);
  const request: WireChatRequest = {
    model: job.model.id,
    messages: titleMessages(job.question, job.answer),
    max_tokens: 48,
    temperature: 0.3,
    user: job.gatewayUser,
    // A title needs no reasoning; it only makes the call slower and dearer.
    ...(job.model.thinking ? { thinking: { type: "disabled" as const } } : {}),
  };
  let title = "";
  try {
    const completion = await (job.complete ?? completeChat)(request, {
      signal: new AbortController().signal,
      timeoutMs: 30_000,
      // Node's own fetch, as for the reply's stream: Next's wrapper adds a tracing span and cache bookkeeping.
      fetchImpl: nodeFetch(),
      ...job.options,
    });
    title = cleanTitle(completion.text, language);
    if (completion.usage) {
      await recordUsage(job.db, {
        userId: job.userId,
        conversationId: job.conversationId,
        messageId: `title:${job.conversationId}`,
        model: job.model.id,
        usage: toChatUsage(completion.usage),
      });
    }
    if (Object.keys(completion.rate).length > 0) {
      await saveGatewayStatus(job.db, completion.rate, { model: job.model.id });
    }
  } catch (err) {
    console.warn("[chat] title generation failed:", err instanceof Error ? err.message : err);
  }
  const saved = await setAutoTitle(job.db, job.userId, job.conversationId, title || fallbackTitle(job.question));
  return saved?.title;
}
