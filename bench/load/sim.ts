// The gateway simulator as a child of the load suite, with upstream counters over IPC.
// The simulator's request log keeps only the newest 500 requests; a load run makes thousands, so this
// child reads the log in-process every 200 ms and keeps its own totals (chunks sent, streams completed,
// closed early) per request id until the request has ended.
import { createSimulator } from "@/lib/simulator/server";
import type { RecordedRequest } from "@/lib/simulator/script-types";

export interface SimCounters {
  /** /v1/chat/completions requests seen. */
  requests: number;
  /** Of those, non-streamed ones (the app's title requests). */
  titleRequests: number;
  /** chat.completion.chunk frames sent on all chat requests. */
  chunks: number;
  completed: number;
  closedEarly: number;
  /** Answered with a status other than 200. */
  failed: number;
  /** Still being played. */
  open: number;
}

const sim = await createSimulator({
  port: Number(process.env.LOAD_SIM_PORT ?? 0),
  host: "127.0.0.1",
  keys: [process.env.LOAD_API_KEY ?? "sk-byts-load-000000"],
  tokensPerSecond: Number(process.env.LOAD_TOKENS_PER_SECOND ?? 60),
  log: false,
});

/**
 * For each streamed chat request that follows an earlier reply: its question (the last user message) and the
 * reply right before it as the app sent it upstream, so that run.ts can check the history against what the
 * user was shown.
 */
export interface UpstreamTurn {
  question: string;
  previousReply: string | null;
}
let turns: UpstreamTurn[] = [];
/** The tools the app offered in its latest chat request, so that the direct run can send the same request. */
let appTools: unknown = undefined;

const ended = { requests: 0, titleRequests: 0, chunks: 0, completed: 0, closedEarly: 0, failed: 0 };
const live = new Map<number, RecordedRequest>();
let lastId = 0;

// The simulator keeps mutating a request's entry after it falls out of its log, so holding the object is enough.
const isEnded = (r: RecordedRequest) => r.completed || r.closedEarly;
const isTitle = (r: RecordedRequest) => (r.body as { stream?: boolean } | null)?.stream !== true;

function poll(): void {
  for (const r of sim.requests()) {
    if (r.id <= lastId) continue;
    lastId = r.id;
    if (r.path.startsWith("/v1/chat/completions")) live.set(r.id, r);
  }
  for (const [id, r] of live) {
    if (!isEnded(r)) continue;
    live.delete(id);
    ended.requests++;
    if (isTitle(r)) ended.titleRequests++;
    else keepTurn(r);
    ended.chunks += r.chunksSent;
    if (r.status !== 200) ended.failed++;
    else if (r.completed) ended.completed++;
    else ended.closedEarly++;
  }
}

function keepTurn(r: RecordedRequest): void {
  const body = r.body as { messages?: Array<{ role: string; content: unknown }>; tools?: unknown } | null;
  if (body?.tools) appTools = body.tools;
  const messages = body?.messages;
  const last = messages?.at(-1);
  if (!messages || last?.role !== "user" || typeof last.content !== "string") return;
  const before = messages.at(-2);
  turns.push({
    question: last.content,
    previousReply: before?.role === "assistant" && typeof before.content === "string" ? before.content : null,
  });
}

function counters(): SimCounters {
  poll();
  let chunks = ended.chunks;
  for (const r of live.values()) chunks += r.chunksSent;
  let titleLive = 0;
  for (const r of live.values()) if (isTitle(r)) titleLive++;
  return {
    ...ended,
    requests: ended.requests + live.size,
    titleRequests: ended.titleRequests + titleLive,
    chunks,
    open: live.size,
  };
}

const timer = setInterval(poll, 200);
process.on("message", (m: { type?: string }) => {
  if (m?.type === "counters") process.send?.({ type: "counters", counters: counters() });
  if (m?.type === "tools") process.send?.({ type: "tools", tools: appTools ?? null });
  if (m?.type === "turns") {
    poll();
    process.send?.({ type: "turns", turns });
    turns = [];
  }
});
process.send?.({ type: "ready", port: sim.port });
process.on("disconnect", () => {
  clearInterval(timer);
  void sim.close().then(() => process.exit(0));
});
