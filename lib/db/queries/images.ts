import "server-only";
import { createHash, randomUUID } from "node:crypto";
import type { Db } from "../client";

// Images live in the database by id (shared by every instance through PostgreSQL); they become data
// URLs only on the way to the gateway. The same bytes uploaded twice by one user are stored once.

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
    .onConflict((oc) => oc.columns(["user_id", "sha256"]).doNothing())
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
