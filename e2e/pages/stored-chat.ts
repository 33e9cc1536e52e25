import { expect, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import path from "node:path";
import type { ChatMessageMetadata } from "@/lib/chat/types";
import { E2E } from "../../playwright.config";

// What an app instance stored, read straight from its SQLite file (read-only, one short connection
// per look, so the server's writes are never held up): the reply's status column, its text and
// parts, and its metadata (finish reason, usage, error) as the database has them, not as the page
// shows them.

export interface StoredMessage {
  id: string;
  role: "user" | "assistant" | "system";
  status: "streaming" | "done" | "error" | "interrupted";
  /** Plain text of the text parts. */
  text: string;
  parts: Array<{ type: string; text?: string }>;
  metadata: ChatMessageMetadata;
  updatedAt: number;
}

/** The SQLite file of the instance on `port` (playwright.config.ts's appEnv). */
export function databaseFile(port: number): string {
  return path.join(E2E.dataDir, `e2e-${port}.db`);
}

/** The conversation the page shows, once its address is `/c/{id}` (after the first question is stored). */
export async function conversationId(page: Page): Promise<string> {
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname.split("/").pop()!;
}

export class StoredChats {
  constructor(readonly file: string = databaseFile(E2E.appPort)) {}

  messages(conversationId: string): StoredMessage[] {
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      db.pragma("busy_timeout = 5000");
      const rows = db
        .prepare(
          `SELECT id, role, status, text, parts, metadata, updated_at AS updatedAt
             FROM messages WHERE conversation_id = ? ORDER BY seq`,
        )
        .all(conversationId) as Array<Omit<StoredMessage, "parts" | "metadata"> & { parts: string; metadata: string }>;
      return rows.map((row) => ({
        ...row,
        parts: JSON.parse(row.parts) as StoredMessage["parts"],
        metadata: (row.metadata ? JSON.parse(row.metadata) : {}) as ChatMessageMetadata,
      }));
    } finally {
      db.close();
    }
  }

  /** The conversation's last reply, once it is no longer streaming (the final write follows the stream's end). */
  async finalReply(conversationId: string): Promise<StoredMessage> {
    let reply: StoredMessage | undefined;
    await expect
      .poll(
        () => {
          reply = this.messages(conversationId).findLast((m) => m.role === "assistant");
          return reply?.status ?? "missing";
        },
        { message: `the last reply of ${conversationId} is finalized` },
      )
      .not.toMatch(/^(streaming|missing)$/);
    return reply!;
  }

  /** Tokens counted against the user's quota for this reply (usage_records), none when it was not billed. */
  usageRecords(messageId: string): Array<{ promptTokens: number; completionTokens: number; totalTokens: number }> {
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare(
          `SELECT prompt_tokens AS promptTokens, completion_tokens AS completionTokens, total_tokens AS totalTokens
             FROM usage_records WHERE message_id = ? ORDER BY created_at`,
        )
        .all(messageId) as Array<{ promptTokens: number; completionTokens: number; totalTokens: number }>;
    } finally {
      db.close();
    }
  }
}
