import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../client";

// Images live in the database by id (shared by every instance through PostgreSQL); they become data
// URLs only on the way to the gateway. The same bytes uploaded twice by one user are stored once.
// An image is kept while any of its owner's messages (trash included) points at it; one that no message
// points at (attached but never sent, or its chats purged) is deleted by the sweep once it is older than
// UNSENT_IMAGE_TTL_MS. `created_at` is when it was last uploaded: uploading the same bytes again renews it.

/** How long an uploaded image may wait for a message to point at it: a draft may sit over a night. */
export const UNSENT_IMAGE_TTL_MS = 24 * 60 * 60 * 1000;

export interface ImageMeta {
  id: string;
  mime: string;
  width: number;
  height: number;
  byteSize: number;
  sha256: string;
  createdAt: number;
}

export interface StoredImage extends ImageMeta {
  bytes: Buffer;
}

const META_COLUMNS = ["id", "mime", "width", "height", "byte_size", "sha256", "created_at"] as const;

function toMeta(row: {
  id: string;
  mime: string;
  width: number;
  height: number;
  byte_size: number;
  sha256: string;
  created_at: number;
}): ImageMeta {
  return {
    id: row.id,
    mime: row.mime,
    width: Number(row.width),
    height: Number(row.height),
    byteSize: Number(row.byte_size),
    sha256: row.sha256,
    createdAt: Number(row.created_at),
  };
}

/** Stores an image (already validated and re-encoded by the caller); returns the existing one for identical bytes. */
export async function insertImage(
  db: Db,
  userId: string,
  input: { mime: string; width: number; height: number; bytes: Buffer; now?: number },
): Promise<ImageMeta> {
  const sha256 = createHash("sha256").update(input.bytes).digest("hex");
  await db.kysely
    .insertInto("images")
    .values({
      id: randomUUID(),
      user_id: userId,
      mime: input.mime,
      width: input.width,
      height: input.height,
      byte_size: input.bytes.byteLength,
      bytes: input.bytes,
      sha256,
      created_at: input.now ?? Date.now(),
    })
    // Uploaded again: renewed, so that a sweep running now does not take it from the draft it is in.
    .onConflict((oc) => oc.columns(["user_id", "sha256"]).doUpdateSet({ created_at: input.now ?? Date.now() }))
    .execute();
  const row = await db.kysely
    .selectFrom("images")
    .select(META_COLUMNS)
    .where("user_id", "=", userId)
    .where("sha256", "=", sha256)
    .executeTakeFirstOrThrow();
  return toMeta(row);
}

export async function getImage(db: Db, userId: string, id: string): Promise<StoredImage | undefined> {
  const row = await db.kysely
    .selectFrom("images")
    .select([...META_COLUMNS, "bytes"])
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row && { ...toMeta(row), bytes: Buffer.from(row.bytes) };
}

/** Several of the user's images at once (inlining a conversation's images for the gateway). */
export async function getImages(db: Db, userId: string, ids: readonly string[]): Promise<StoredImage[]> {
  if (ids.length === 0) return [];
  const rows = await db.kysely
    .selectFrom("images")
    .select([...META_COLUMNS, "bytes"])
    .where("id", "in", [...new Set(ids)])
    .where("user_id", "=", userId)
    .execute();
  return rows.map((row) => ({ ...toMeta(row), bytes: Buffer.from(row.bytes) }));
}

/** Sizes and types without the bytes (planning which images fit a gateway request). */
export async function getImageMetas(db: Db, userId: string, ids: readonly string[]): Promise<ImageMeta[]> {
  if (ids.length === 0) return [];
  const rows = await db.kysely
    .selectFrom("images")
    .select(META_COLUMNS)
    .where("id", "in", [...new Set(ids)])
    .where("user_id", "=", userId)
    .execute();
  return rows.map(toMeta);
}

export async function deleteImage(db: Db, userId: string, id: string): Promise<boolean> {
  const result = await db.kysely
    .deleteFrom("images")
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Deletes up to `limit` images uploaded before `now - olderThanMs` that none of their owner's messages
 * points at (by its `/api/images/<id>` URL in the message's parts); returns how many went. One
 * statement, so a message stored meanwhile keeps its image.
 */
export async function deleteUnreferencedImages(
  db: Db,
  options: { olderThanMs?: number; now?: number; limit?: number } = {},
): Promise<number> {
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? UNSENT_IMAGE_TTL_MS);
  const result = await db.kysely
    .deleteFrom("images")
    .where("id", "in", (eb) =>
      eb
        .selectFrom("images as unsent")
        .select("unsent.id")
        .where("unsent.created_at", "<", cutoff)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("messages")
                .select(sql<number>`1`.as("one"))
                .whereRef("messages.user_id", "=", "unsent.user_id")
                .where(sql<boolean>`messages.parts like ('%/api/images/' || unsent.id || '%')`),
            ),
          ),
        )
        .limit(options.limit ?? 500),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
