// The load generator, run as its own process (forked by run.ts) so that it never shares an event loop with
// the server it measures. It creates and signs in the staff accounts, then plays each user: send a question
// to POST /api/chat exactly as the browser's transport does, read the UI message stream to its end
// (eventsource-parser), send the next one. Everything it saw is sent back so that run.ts can check the
// database against it. The "direct" mode plays the same users straight against the simulator's
// /v1/chat/completions (the gateway's own SSE), which gives the upstream's time-to-first-token.
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { createParser } from "eventsource-parser";

// ---------- protocol with run.ts ----------

export interface SetupJob {
  type: "setup";
  origin: string;
  admin: { email: string; password: string };
  users: number;
  /** Accounts created and signed in at once. */
  parallel: number;
}

export interface SetupResult {
  users: Array<{ id: string; email: string }>;
  createMs: number;
  signInMs: number;
}

export interface RunJob {
  type: "run";
  mode: "app" | "direct";
  /** App origin (mode app) or simulator origin (mode direct). */
  origin: string;
  apiKey: string;
  model: string;
  /** How many of the signed-in users play (all by default). */
  users?: number;
  /** New questions are sent for this long; the streams still open then are read to their end. */
  seconds: number;
  /** User starts are spread evenly over this many ms. */
  rampMs: number;
  /** Each user starts a new chat after this many questions. */
  turnsPerChat: number;
  /** After `seconds`, open streams get this long to finish; still open then = not finished. */
  graceMs: number;
  /**
   * Mode app: every this many ms, time two cheap requests on the side — one the proxy answers without a
   * session (401, no database) and GET /api/models signed in (a session read) — to tell queueing in the
   * server's event loop from waiting on the database. 0 = off.
   */
  probeMs?: number;
  /** Mode direct: the tools the app offers upstream (as the simulator saw them), sent along the same way. */
  tools?: unknown;
}

/** One question and what came back. Times are ms since the run started. */
export interface TurnRecord {
  user: number;
  chatId: string;
  questionId: string;
  question: string;
  /** The reply's id (the start frame's messageId); "" when none came. */
  replyId: string;
  text: string;
  reasoning: string;
  ok: boolean;
  /** Why it is not ok: HTTP status, error frame, abort, no finish, unfinished at the end, network. */
  error?: string;
  status?: number;
  sentAt: number;
  ttftMs?: number;
  endedAt?: number;
  /** UI frames (mode app) or SSE events (mode direct) received. */
  events: number;
}

export interface RunResult {
  mode: "app" | "direct";
  turns: TurnRecord[];
  /** Latencies (ms) of the side probes, while questions were being sent. */
  probes: { noSession: number[]; session: number[] };
  /** When the last question was sent and when the last stream ended (ms since start). */
  sendWindowMs: number;
  wallMs: number;
  clientCpuMs: number;
}

// ---------- accounts ----------

interface Session {
  id: string;
  email: string;
  cookie: string;
}

let sessions: Session[] = [];

async function post(
  origin: string,
  path: string,
  body: unknown,
  cookie?: string,
): Promise<{ status: number; text: string; cookie: string }> {
  const res = await fetch(`${origin}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const setCookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { status: res.status, text, cookie: setCookie };
}

async function signIn(origin: string, email: string, password: string): Promise<string> {
  const res = await post(origin, "/api/auth/sign-in/email", { email, password });
  if (res.status !== 200) throw new Error(`sign-in of ${email}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  if (!res.cookie) throw new Error(`sign-in of ${email} set no cookie`);
  return res.cookie;
}

async function inBatches<T>(count: number, parallel: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await work(i);
      }
    }),
  );
  return out;
}

/** The seeded admin creates the staff accounts through the admin API; each then signs in. */
async function setup(job: SetupJob): Promise<SetupResult> {
  const adminCookie = await signIn(job.origin, job.admin.email, job.admin.password);
  const stamp = Date.now().toString(36);
  const t0 = performance.now();
  const accounts = await inBatches(job.users, job.parallel, async (i) => {
    const email = `load-${stamp}-${i}@load.example.com`;
    const password = `load-pw-${randomBytes(6).toString("hex")}`;
    const res = await post(
      job.origin,
      "/api/admin/users",
      { email, password, name: `压测用户${i}`, role: "user" },
      adminCookie,
    );
    if (res.status !== 201) throw new Error(`creating ${email}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
    const { user } = JSON.parse(res.text) as { user: { id: string } };
    return { id: user.id, email, password };
  });
  const t1 = performance.now();
  sessions = await inBatches(accounts.length, job.parallel, async (i) => {
    const a = accounts[i]!;
    return { id: a.id, email: a.email, cookie: await signIn(job.origin, a.email, a.password) };
  });
  return {
    users: sessions.map(({ id, email }) => ({ id, email })),
    createMs: t1 - t0,
    signInMs: performance.now() - t1,
  };
}

// ---------- questions ----------

// Everyday staff questions. None asks for the time or holds arithmetic (the simulator would answer with a
// tool call, which this suite does not measure); a tag makes each one unique, so each stored row is told apart.
const QUESTIONS = [
  "请帮我把本周项目进展整理成三条要点，语气正式一些。",
  "客户反馈登录页面加载很慢，可能有哪些原因？请分点说明。",
  "帮我写一段给新同事的欢迎词，简短亲切。",
  "如何向领导汇报一个延期的项目？给我一个提纲。",
  "请解释一下什么是灰度发布，以及它的好处。",
  "帮我润色这句话：我们团队在这个季度完成了很多重要的工作。",
  "写一个 TypeScript 函数，把字符串里的全角空格换成半角空格。",
  "列出组织一次线上分享会需要准备的事项。",
];

function question(user: number, turn: number): string {
  return `${QUESTIONS[(user + turn) % QUESTIONS.length]}（压测 用户${user} 第${turn}问 ${randomBytes(3).toString("hex")}）`;
}

/** An id like the AI SDK's generateId (16 alphanumerics). */
function messageId(): string {
  const abc = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const bytes = randomBytes(16);
  let out = "";
  for (const b of bytes) out += abc[b % abc.length];
  return out;
}

// ---------- one stream ----------

interface UiFrame {
  type?: string;
  messageId?: string;
  delta?: string;
  errorText?: string;
  messageMetadata?: { status?: string };
}

interface WireFrame {
  choices?: Array<{
    delta?: { content?: string | null; reasoning_content?: string | null };
    finish_reason?: string | null;
  }>;
  error?: unknown;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
/** Open requests, each with what ends it as unfinished (after the grace period). */
const live = new Map<http.ClientRequest, (why: string) => void>();

/**
 * Sends one request and reads its SSE body to the end. Mode app: the AI SDK UI message stream (ok = a
 * finish frame with status done, then [DONE], and no error or abort frame). Mode direct: the gateway's
 * chunks (ok = a finish_reason, then [DONE], and no error frame).
 */
function stream(
  job: RunJob,
  target: URL,
  headers: Record<string, string>,
  body: string,
  record: TurnRecord,
  t0: number,
): Promise<void> {
  return new Promise((resolve) => {
    const payload = Buffer.from(body);
    const sent = performance.now();
    record.sentAt = sent - t0;
    let settled = false;
    const end = (error?: string) => {
      if (settled) return;
      settled = true;
      live.delete(req);
      record.endedAt = performance.now() - t0;
      record.ok = error === undefined;
      if (error !== undefined) record.error = error;
      resolve();
    };
    const req = http.request({
      host: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      method: "POST",
      agent,
      headers: {
        ...headers,
        "content-type": "application/json",
        accept: "text/event-stream",
        "content-length": String(payload.length),
      },
    });
    live.set(req, (why) => {
      end(why);
      req.destroy();
    });
    req.on("error", (err) => end(`network: ${err.message}`));
    req.on("response", (res) => {
      record.status = res.statusCode ?? 0;
      res.setEncoding("utf8");
      if (res.statusCode !== 200) {
        let text = "";
        res.on("data", (c: string) => (text += c));
        res.on("end", () => end(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
        return;
      }
      let done = false;
      let finished = false;
      let problem: string | undefined;
      const firstToken = () => {
        if (record.ttftMs === undefined) record.ttftMs = performance.now() - sent;
      };
      const parser = createParser({
        onEvent(event) {
          record.events++;
          if (event.data === "[DONE]") {
            done = true;
            return;
          }
          if (done) {
            problem ??= "data after [DONE]";
            return;
          }
          if (job.mode === "app") {
            const f = JSON.parse(event.data) as UiFrame;
            switch (f.type) {
              case "start":
                record.replyId = f.messageId ?? "";
                break;
              case "text-delta":
                if (f.delta) firstToken();
                record.text += f.delta ?? "";
                break;
              case "reasoning-delta":
                if (f.delta) firstToken();
                record.reasoning += f.delta ?? "";
                break;
              case "finish":
                finished = true;
                if (f.messageMetadata?.status !== "done")
                  problem ??= `finish with status ${f.messageMetadata?.status ?? "none"}`;
                break;
              case "error":
                problem ??= `error frame: ${f.errorText?.slice(0, 200) ?? ""}`;
                break;
              case "abort":
                problem ??= "abort frame";
                break;
            }
          } else {
            const f = JSON.parse(event.data) as WireFrame;
            if (f.error) problem ??= `error frame: ${JSON.stringify(f.error).slice(0, 200)}`;
            const choice = f.choices?.[0];
            if (choice?.delta?.reasoning_content) {
              firstToken();
              record.reasoning += choice.delta.reasoning_content;
            }
            if (choice?.delta?.content) {
              firstToken();
              record.text += choice.delta.content;
            }
            if (choice?.finish_reason) finished = true;
          }
        },
        onError(err) {
          problem ??= `SSE parse error: ${err.message}`;
        },
      });
      res.on("data", (chunk: string) => {
        try {
          parser.feed(chunk);
        } catch (err) {
          problem ??= `bad frame: ${(err as Error).message}`;
        }
      });
      res.on("end", () => {
        if (problem) end(problem);
        else if (!finished) end("no finish frame");
        else if (!done) end("no [DONE]");
        else if (record.ttftMs === undefined) end("no token");
        else end();
      });
      res.on("error", (err) => end(`network: ${err.message}`));
    });
    req.end(payload);
  });
}

// ---------- users ----------

interface WireMessage {
  role: "user" | "assistant";
  content: string;
}

async function run(job: RunJob): Promise<RunResult> {
  // Each run opens its own connections: a socket kept alive since the previous run may be closed by the server's
  // keep-alive timeout just as it is reused (ECONNRESET on the first question, seen after the warm-up).
  agent.destroy();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const users = Math.min(job.users ?? sessions.length, job.mode === "app" ? sessions.length : Infinity);
  if (job.mode === "app" && users === 0) throw new Error("no signed-in users: run setup first");
  const turns: TurnRecord[] = [];
  const stopSendingAt = t0 + job.seconds * 1000;
  let lastSend = 0;
  const appTarget = new URL("/api/chat", job.origin);
  const directTarget = new URL("/v1/chat/completions", job.origin);

  const playUser = async (u: number) => {
    let chatId = "";
    let firstMessageId = "";
    let inChat = 0;
    let history: WireMessage[] = [];
    for (let turn = 1; performance.now() < stopSendingAt; turn++) {
      if (inChat === 0 || inChat >= job.turnsPerChat) {
        chatId = randomUUID();
        firstMessageId = "";
        inChat = 0;
        history = [];
      }
      inChat++;
      const text = question(u, turn);
      const questionId = messageId();
      firstMessageId ||= questionId;
      const record: TurnRecord = {
        user: u,
        chatId,
        questionId,
        question: text,
        replyId: "",
        text: "",
        reasoning: "",
        ok: false,
        sentAt: 0,
        events: 0,
      };
      turns.push(record);
      lastSend = performance.now() - t0;
      if (job.mode === "app") {
        // What the chat shell's transport posts (components/chat/chat-transport.ts): the newest message only.
        const body = {
          id: chatId,
          messages: [{ id: questionId, role: "user", parts: [{ type: "text", text }] }],
          firstMessageId,
          model: job.model,
          settings: { thinking: true, tools: true },
          trigger: "submit-message",
        };
        const s = sessions[u]!;
        await stream(job, appTarget, { cookie: s.cookie, origin: job.origin }, JSON.stringify(body), record, t0);
      } else {
        // What the app sends upstream for the same turn: the stored history, thinking on.
        history.push({ role: "user", content: text });
        const body = {
          model: job.model,
          stream: true,
          user: `u_load_${u}`,
          messages: history,
          thinking: { type: "enabled" },
          ...(job.tools ? { tools: job.tools } : {}),
        };
        await stream(job, directTarget, { authorization: `Bearer ${job.apiKey}` }, JSON.stringify(body), record, t0);
        history.push({ role: "assistant", content: record.text });
      }
      // A failed turn: the person would look at the message before asking again.
      if (!record.ok) await sleep(500);
    }
  };

  const probes: RunResult["probes"] = { noSession: [], session: [] };
  const probe = async (cookie?: string) => {
    const started = performance.now();
    const res = await fetch(new URL("/api/models", job.origin), { headers: cookie ? { cookie } : {} });
    await res.arrayBuffer();
    return performance.now() - started;
  };
  const prober =
    job.mode === "app" && job.probeMs
      ? setInterval(() => {
          if (performance.now() > stopSendingAt) return;
          void probe()
            .then((ms) => probes.noSession.push(ms))
            .catch(() => {});
          void probe(sessions[0]!.cookie)
            .then((ms) => probes.session.push(ms))
            .catch(() => {});
        }, job.probeMs)
      : undefined;
  const grace = setTimeout(
    () => {
      for (const cut of [...live.values()]) cut(`not finished ${job.graceMs / 1000} s after the end of the run`);
    },
    job.seconds * 1000 + job.graceMs,
  );
  await Promise.all(
    Array.from({ length: users }, async (_, u) => {
      await sleep((job.rampMs * u) / users);
      await playUser(u);
    }),
  );
  clearTimeout(grace);
  clearInterval(prober);
  const cpu = process.cpuUsage(cpu0);
  return {
    mode: job.mode,
    turns,
    probes,
    sendWindowMs: lastSend,
    wallMs: performance.now() - t0,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- as a forked child ----------

if (process.send) {
  process.on("message", (msg: SetupJob | RunJob) => {
    const work =
      msg?.type === "setup"
        ? setup(msg).then((result) => ({ type: "setup-done", result }))
        : msg?.type === "run"
          ? run(msg).then((result) => ({ type: "run-done", result }))
          : undefined;
    void work
      ?.then((reply) => process.send!(reply))
      .catch((err: unknown) => process.send!({ type: "failed", error: String((err as Error)?.stack ?? err) }));
  });
  process.send({ type: "ready" });
  process.on("disconnect", () => process.exit(0));
}
