import "server-only";
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import { AppError } from "@/lib/errors";
import type { Db } from "../client";
import type { AnnouncementsTable, AnnouncementVersionsTable } from "../schema";
import { parseJson } from "./json";

// Announcements and their versions, always through their owner: another user's id reads as not found.
// Stored as JSON text; the shapes (form, content) belong to lib/announcements and are validated there.

export interface StoredAnnouncement<Form = unknown> {
  id: string;
  userId: string;
  kind: string;
  title: string;
  form: Form;
  versionCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface StoredAnnouncementVersion<Content = unknown> {
  id: string;
  announcementId: string;
  seq: number;
  instruction: string | null;
  content: Content;
  status: "ok" | "fallback";
  model: string;
  createdAt: number;
}

function toAnnouncement<Form>(row: Selectable<AnnouncementsTable>): StoredAnnouncement<Form> {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    title: row.title,
    form: parseJson<Form>(row.form, {} as Form),
    versionCount: Number(row.version_count),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toVersion<Content>(row: Selectable<AnnouncementVersionsTable>): StoredAnnouncementVersion<Content> {
  return {
    id: row.id,
    announcementId: row.announcement_id,
    seq: Number(row.seq),
    instruction: row.instruction,
    content: parseJson<Content>(row.content, {} as Content),
    status: row.status,
    model: row.model,
    createdAt: Number(row.created_at),
  };
}

/** A new announcement (no versions yet). */
export async function createAnnouncement<Form>(
  db: Db,
  userId: string,
  input: { id?: string; kind: string; form: Form; now?: number },
): Promise<StoredAnnouncement<Form>> {
  const now = input.now ?? Date.now();
  const row = await db.kysely
    .insertInto("announcements")
    .values({
      id: input.id ?? randomUUID(),
      user_id: userId,
      kind: input.kind,
      title: "",
      form: JSON.stringify(input.form),
      version_count: 0,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAnnouncement<Form>(row);
}

/**
 * Appends a version and makes its title the announcement's; the form may change with it (a new
 * draft from an edited form). The owner check and the next seq are one statement.
 */
export async function addAnnouncementVersion<Content, Form>(
  db: Db,
  userId: string,
  announcementId: string,
  input: {
    title: string;
    content: Content;
    status: "ok" | "fallback";
    model: string;
    instruction?: string | null;
    form?: Form;
    now?: number;
  },
): Promise<StoredAnnouncementVersion<Content>> {
  const now = input.now ?? Date.now();
  return db.kysely.transaction().execute(async (trx) => {
    const owner = await trx
      .updateTable("announcements")
      .set((eb) => ({
        version_count: eb("version_count", "+", 1),
        title: input.title,
        updated_at: now,
        ...(input.form !== undefined ? { form: JSON.stringify(input.form) } : {}),
      }))
      .where("id", "=", announcementId)
      .where("user_id", "=", userId)
      .returning("version_count")
      .executeTakeFirst();
    if (!owner) throw new AppError("not_found");
    const row = await trx
      .insertInto("announcement_versions")
      .values({
        id: randomUUID(),
        announcement_id: announcementId,
        user_id: userId,
        seq: Number(owner.version_count),
        instruction: input.instruction ?? null,
        content: JSON.stringify(input.content),
        status: input.status,
        model: input.model,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toVersion<Content>(row);
  });
}

export async function getAnnouncement<Form, Content>(
  db: Db,
  userId: string,
  id: string,
): Promise<{ announcement: StoredAnnouncement<Form>; versions: StoredAnnouncementVersion<Content>[] } | undefined> {
  const row = await db.kysely
    .selectFrom("announcements")
    .selectAll()
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!row) return undefined;
  const versions = await db.kysely
    .selectFrom("announcement_versions")
    .selectAll()
    .where("announcement_id", "=", id)
    .where("user_id", "=", userId)
    .orderBy("seq")
    .execute();
  return { announcement: toAnnouncement<Form>(row), versions: versions.map((v) => toVersion<Content>(v)) };
}

/** One version of the user's announcement, or undefined. */
export async function getAnnouncementVersion<Content>(
  db: Db,
  userId: string,
  announcementId: string,
  versionId: string,
): Promise<StoredAnnouncementVersion<Content> | undefined> {
  const row = await db.kysely
    .selectFrom("announcement_versions")
    .selectAll()
    .where("id", "=", versionId)
    .where("announcement_id", "=", announcementId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row && toVersion<Content>(row);
}

/** The user's announcements, newest first (only those with at least one version). */
export async function listAnnouncements(
  db: Db,
  userId: string,
  options: { limit?: number } = {},
): Promise<Array<Omit<StoredAnnouncement, "form" | "userId">>> {
  const rows = await db.kysely
    .selectFrom("announcements")
    .select(["id", "kind", "title", "version_count", "created_at", "updated_at"])
    .where("user_id", "=", userId)
    .where("version_count", ">", 0)
    .orderBy("updated_at", "desc")
    .orderBy("id")
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 200))
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    title: row.title,
    versionCount: Number(row.version_count),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }));
}

/** Deletes the announcement and its versions; false when it is not the user's. */
export async function deleteAnnouncement(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db.kysely
    .deleteFrom("announcements")
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
