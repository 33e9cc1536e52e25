import type { Generated } from "kysely";

// The tables as Kysely sees them, one shape for SQLite and PostgreSQL: text ids, epoch-millisecond
// integers for time, JSON as text, image bytes as blob/bytea (a Buffer either way).

export type TitleSource = "auto" | "user";
export type MessageRole = "user" | "assistant" | "system";
/** streaming → done | error | interrupted (stopped, failed mid-way, or the server went away). */
export type MessageStatus = "streaming" | "done" | "error" | "interrupted";

export interface ConversationsTable {
  id: string;
  user_id: string;
  title: string;
  title_source: TitleSource;
  model: string;
  /** JSON: the chat's settings (ChatSettings). */
  settings: string;
  /** Messages ever appended: the next message's seq, allocated with the owner check in one statement. */
  message_count: number;
  created_at: number;
  updated_at: number;
  /** Set while the conversation is in the trash (undoable delete). */
  deleted_at: number | null;
}

export interface MessagesTable {
  /** Integer key for the SQLite full-text index (a plain rowid may change on VACUUM). */
  pk: Generated<number>;
  id: string;
  conversation_id: string;
  /** The owner, repeated from the conversation so that every lookup can scope by it directly. */
  user_id: string;
  seq: number;
  role: MessageRole;
  /** JSON: the UI message parts (text, reasoning, file, …). */
  parts: string;
  /** Plain text of the text parts, for search and export. */
  text: string;
  status: MessageStatus;
  /** JSON: ChatMessageMetadata (model, usage, finish reason, error). */
  metadata: string | null;
  created_at: number;
  updated_at: number;
  /** Tokens a reply holds of the user's daily limit while it streams (0 when none: lib/quota). */
  reserved_tokens: Generated<number>;
}

export interface ImagesTable {
  id: string;
  user_id: string;
  mime: string;
  width: number;
  height: number;
  byte_size: number;
  bytes: Buffer;
  sha256: string;
  created_at: number;
}

export interface UsageRecordsTable {
  id: string;
  user_id: string;
  conversation_id: string | null;
  /** At most one record per reply. */
  message_id: string | null;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  total_tokens: number;
  created_at: number;
  /** YYYY-MM-DD on the Asia/Shanghai calendar: the quota day. */
  day: string;
}

export interface UserLimitsTable {
  user_id: string;
  /** null: the default from QUOTA_TOKENS_PER_DAY; 0: unlimited. */
  tokens_per_day: number | null;
  /** null: the default from QUOTA_MAX_CONCURRENT; 0: unlimited. */
  max_concurrent: number | null;
  updated_at: number;
}

/** One row (id "gateway"): the latest rate-limit and credit headers the gateway sent. */
export interface GatewayStatusTable {
  id: string;
  rate_limit: number | null;
  rate_remaining: number | null;
  rate_reset_at: number | null;
  key_credits: number | null;
  org_credits: number | null;
  model: string | null;
  updated_at: number;
}

/** Small server-side values: the generated auth secret, the first-admin claim. */
export interface AppSettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

/** An announcement drafted in the studio (公告助手): its kind, the form it came from, its latest title. */
export interface AnnouncementsTable {
  id: string;
  user_id: string;
  kind: string;
  /** Title of the newest version, for the list. */
  title: string;
  /** JSON: the form (AnnouncementForm). */
  form: string;
  version_count: number;
  created_at: number;
  updated_at: number;
}

/** Every generated or revised version, kept so that earlier ones stay browsable. */
export interface AnnouncementVersionsTable {
  id: string;
  announcement_id: string;
  /** The owner, repeated so that every lookup scopes by it directly. */
  user_id: string;
  /** 1, 2, 3… within the announcement. */
  seq: number;
  /** The follow-up instruction that produced it; null for the first draft. */
  instruction: string | null;
  /** JSON: the validated announcement (Announcement). */
  content: string;
  /** ok: the model's JSON passed the schema (perhaps after one repair); fallback: rebuilt from what came. */
  status: "ok" | "fallback";
  model: string;
  created_at: number;
}

/** better-auth's user table (its migrations own it); only the columns this app reads. */
export interface AuthUserTable {
  id: string;
  email: string;
  name: string;
  role: string | null;
}

export interface Database {
  conversations: ConversationsTable;
  messages: MessagesTable;
  images: ImagesTable;
  usage_records: UsageRecordsTable;
  user_limits: UserLimitsTable;
  gateway_status: GatewayStatusTable;
  app_settings: AppSettingsTable;
  announcements: AnnouncementsTable;
  announcement_versions: AnnouncementVersionsTable;
  user: AuthUserTable;
}
