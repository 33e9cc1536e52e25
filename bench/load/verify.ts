// After a load run: reads the app's database with plain SQL (the app's own tables, lib/db/schema.ts) and checks
// it against what the load generator saw — every question stored as sent, every finished reply stored with
// the streamed text and reasoning, final status and usage, and nothing left streaming.
import SQLite from "better-sqlite3";
import pg from "pg";
import type { TurnRecord } from "./generator";

export type DbTarget = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

interface MessageRow {
  id: string;
  conversation_id: string;
  user_id: string;
  seq: number;
  role: string;
  status: string;
  text: string;
  parts: string;
  metadata: string | null;
}

interface Snapshot {
  messages: Map<string, MessageRow>;
  /** Conversation id → its title. */
  titles: Map<string, string>;
  usageMessageIds: Set<string>;
  statusCounts: Record<string, number>;
  conversations: number;
}

const MESSAGE_COLUMNS = "id, conversation_id, user_id, seq, role, status, text, parts, metadata";

async function readDatabase(target: DbTarget): Promise<Snapshot> {
  let rows: MessageRow[];
  let usage: Array<{ message_id: string | null }>;
  let conversations: number;
  let titles: Array<{ id: string; title: string }>;
  if (target.kind === "sqlite") {
    const db = new SQLite(target.path, { readonly: true, fileMustExist: true });
    try {
      rows = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages`).all() as MessageRow[];
      usage = db.prepare("SELECT message_id FROM usage_records").all() as Array<{ message_id: string | null }>;
      conversations = (db.prepare("SELECT count(*) AS n FROM conversations").get() as { n: number }).n;
      titles = db.prepare("SELECT id, title FROM conversations").all() as Array<{ id: string; title: string }>;
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      rows = (await client.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages`)).rows;
      usage = (await client.query<{ message_id: string | null }>("SELECT message_id FROM usage_records")).rows;
      conversations = Number(
        (await client.query<{ n: string }>("SELECT count(*) AS n FROM conversations")).rows[0]?.n ?? 0,
      );
      titles = (await client.query<{ id: string; title: string }>("SELECT id, title FROM conversations")).rows;
    } finally {
      await client.end();
    }
  }
  const statusCounts: Record<string, number> = {};
  for (const r of rows) {
    const key = `${r.role}:${r.status}`;
    statusCounts[key] = (statusCounts[key] ?? 0) + 1;
  }
  return {
    messages: new Map(rows.map((r) => [r.id, r])),
    titles: new Map(titles.map((t) => [t.id, t.title])),
    usageMessageIds: new Set(usage.flatMap((u) => (u.message_id ? [u.message_id] : []))),
    statusCounts,
    conversations,
  };
}

/** Replies still marked streaming (the app finalizes each one right after its last frame). */
export async function countStreaming(target: DbTarget): Promise<number> {
  const sql = "SELECT count(*) AS n FROM messages WHERE status = 'streaming'";
  if (target.kind === "sqlite") {
    const db = new SQLite(target.path, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare(sql).get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

export interface Verification {
  /** Questions the server accepted (HTTP 200): each must be stored. */
  questionsAccepted: number;
  questionsStored: number;
  /** Replies the generator read to a clean finish: each must be stored, final, with the same text. */
  repliesFinished: number;
  repliesStored: number;
  /** Of the stored finished replies: usage counted for the quota (usage_records). */
  repliesWithUsage: number;
  /** Rows per role:status in the whole database. */
  statusCounts: Record<string, number>;
  conversations: number;
  /** Rows the generator knows nothing of (warm-up included), by role:status. */
  unknownRows: number;
  /** Chats the run started. */
  chats: number;
  /** Of those, titled after their first question (the title shares its first characters). */
  chatsTitledFromFirst: number;
  /** Still without a title once the server is idle. */
  chatsUntitled: number;
  /** First few mismatches, each naming the turn. */
  problems: string[];
  /** Problem counts by kind. */
  problemKinds: Record<string, number>;
}

interface ReplyParts {
  reasoning: string;
  text: string;
}

function partsOf(json: string): ReplyParts {
  const parts = JSON.parse(json) as Array<{ type: string; text?: string }>;
  const of = (type: string) =>
    parts
      .filter((p) => p.type === type)
      .map((p) => p.text ?? "")
      .join("\n\n");
  return { reasoning: of("reasoning"), text: of("text") };
}

/** Compares the generator's turns with the rows. */
export function compare(turns: TurnRecord[], userIds: string[], snap: Snapshot): Verification {
  const problems: string[] = [];
  const problemKinds: Record<string, number> = {};
  const problem = (kind: string, turn: TurnRecord, detail: string) => {
    problemKinds[kind] = (problemKinds[kind] ?? 0) + 1;
    if (problems.length < 12) problems.push(`${kind}: user ${turn.user} question ${turn.questionId} — ${detail}`);
  };
  const known = new Set<string>();
  let questionsAccepted = 0;
  let questionsStored = 0;
  let repliesFinished = 0;
  let repliesStored = 0;
  let repliesWithUsage = 0;

  for (const t of turns) {
    known.add(t.questionId);
    if (t.replyId) known.add(t.replyId);
    const userId = userIds[t.user];
    if (t.status === 200) {
      questionsAccepted++;
      const q = snap.messages.get(t.questionId);
      if (!q) problem("question missing", t, "no row");
      else if (q.role !== "user" || q.user_id !== userId || q.conversation_id !== t.chatId)
        problem("question misplaced", t, `role ${q.role}, conversation ${q.conversation_id}`);
      else if (q.text !== t.question) problem("question text differs", t, `${JSON.stringify(q.text.slice(0, 60))}`);
      else questionsStored++;
    }
    if (!t.ok) continue;
    repliesFinished++;
    const r = snap.messages.get(t.replyId);
    if (!r) {
      problem("reply missing", t, `no row ${t.replyId}`);
      continue;
    }
    const q = snap.messages.get(t.questionId);
    if (r.role !== "assistant" || r.user_id !== userId || r.conversation_id !== t.chatId) {
      problem("reply misplaced", t, `role ${r.role}, conversation ${r.conversation_id}`);
      continue;
    }
    if (q && Number(r.seq) <= Number(q.seq)) {
      problem("reply before its question", t, `seq ${r.seq} ≤ ${q.seq}`);
      continue;
    }
    if (r.status !== "done") {
      problem(`reply ${r.status}`, t, `status ${r.status}`);
      continue;
    }
    const stored = partsOf(r.parts);
    if (stored.text !== t.text || r.text !== t.text) {
      problem("reply text differs", t, `stored ${r.text.length} chars, streamed ${t.text.length}`);
      continue;
    }
    if (stored.reasoning !== t.reasoning) {
      problem("reasoning differs", t, `stored ${stored.reasoning.length} chars, streamed ${t.reasoning.length}`);
      continue;
    }
    const meta = r.metadata ? (JSON.parse(r.metadata) as { status?: string; usage?: unknown }) : {};
    if (meta.status !== "done" || !meta.usage) {
      problem("reply metadata incomplete", t, `status ${meta.status}, usage ${meta.usage ? "yes" : "no"}`);
      continue;
    }
    repliesStored++;
    if (snap.usageMessageIds.has(t.replyId)) repliesWithUsage++;
    else problem("usage not recorded", t, `no usage_records row for ${t.replyId}`);
  }
  let unknownRows = 0;
  for (const id of snap.messages.keys()) if (!known.has(id)) unknownRows++;
  // A new chat is named after its first question (lib/chat/title-job.ts), never after a later one.
  const firstQuestion = new Map<string, TurnRecord>();
  for (const t of [...turns].sort((a, b) => a.sentAt - b.sentAt))
    if (!firstQuestion.has(t.chatId)) firstQuestion.set(t.chatId, t);
  const letters = (text: string) => [...text.replace(/[\s\p{P}\p{S}]+/gu, "")].slice(0, 4).join("");
  let chatsTitledFromFirst = 0;
  let chatsUntitled = 0;
  for (const [chatId, first] of firstQuestion) {
    const title = snap.titles.get(chatId) ?? "";
    if (title === "") chatsUntitled++;
    else if (letters(title) === letters(first.question)) chatsTitledFromFirst++;
    else
      problem(
        "chat titled after a later question",
        first,
        `title ${JSON.stringify(title)}, first question ${JSON.stringify(first.question.slice(0, 20))}`,
      );
  }
  return {
    chats: firstQuestion.size,
    chatsTitledFromFirst,
    chatsUntitled,
    questionsAccepted,
    questionsStored,
    repliesFinished,
    repliesStored,
    repliesWithUsage,
    statusCounts: snap.statusCounts,
    conversations: snap.conversations,
    unknownRows,
    problems,
    problemKinds,
  };
}

export async function verify(target: DbTarget, turns: TurnRecord[], userIds: string[]): Promise<Verification> {
  return compare(turns, userIds, await readDatabase(target));
}

export interface HistoryCheck {
  /** Questions that followed a finished reply in the same chat. */
  followUps: number;
  /** Of those, sent upstream with that reply exactly as the user was shown it. */
  matching: number;
  /** Sent upstream without the reply, or not seen upstream at all. */
  missing: number;
  problems: string[];
}

/**
 * The app builds each request's history from the database. A follow-up question must reach the gateway with
 * the previous reply in full, as streamed to the user (not the partial text of a reply still being finalized).
 */
export function checkHistory(
  turns: TurnRecord[],
  upstream: Array<{ question: string; previousReply: string | null }>,
): HistoryCheck {
  const sent = new Map(upstream.map((u) => [u.question, u.previousReply]));
  const previous = new Map<string, TurnRecord>();
  const out: HistoryCheck = { followUps: 0, matching: 0, missing: 0, problems: [] };
  const ordered = [...turns].sort((a, b) => a.sentAt - b.sentAt);
  for (const t of ordered) {
    const before = previous.get(t.chatId);
    previous.set(t.chatId, t);
    if (!before?.ok || t.status !== 200) continue;
    out.followUps++;
    const reply = sent.get(t.question);
    if (reply === before.text) out.matching++;
    else {
      if (reply === undefined || reply === null) out.missing++;
      if (out.problems.length < 6)
        out.problems.push(
          `user ${t.user} question ${t.questionId}: ${
            reply === undefined
              ? "not seen upstream"
              : reply === null
                ? "sent without the previous reply"
                : `previous reply sent with ${reply.length} of its ${before.text.length} characters`
          } (asked ${fmtMs(t.sentAt - (before.endedAt ?? 0))} after it ended)`,
        );
    }
  }
  return out;
}

const fmtMs = (ms: number) => `${Math.round(ms)} ms`;

/**
 * Samples the app's PostgreSQL connections (pg_stat_activity, application_name glm-chat) through one
 * connection of its own: how many run a statement or sit in a transaction, out of the pool's size.
 */
export async function pgConnectionSampler(
  url: string,
): Promise<{ sample(): Promise<void>; stop(): Promise<number[]> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const busy: number[] = [];
  return {
    async sample() {
      const { rows } = await client.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'glm-chat' AND state <> 'idle'",
      );
      busy.push(Number(rows[0]?.n ?? 0));
    },
    async stop() {
      await client.end();
      return busy;
    },
  };
}
