import "server-only";
import { getAuth } from "@/lib/auth";
import { ensureDatabase, type Db } from "@/lib/db";
import { purgeTrashOlderThan } from "@/lib/db/queries/conversations";
import { deleteUnreferencedImages } from "@/lib/db/queries/images";

// What the server does once at start, before the first request: the database is opened and
// migrated (replies a previous run left streaming become interrupted), the auth instance is built
// (ADMIN_EMAIL seeded), and then, at once and every hour, the storage is tidied: deleted chats past
// their undo window are purged, and images that no message points at (attached but never sent, or
// whose chats were purged) are deleted a day after their upload.

/** Deleted chats stay restorable this long. */
export const TRASH_KEEP_MS = 30 * 24 * 60 * 60 * 1000;
const TIDY_EVERY_MS = 60 * 60 * 1000;
const IMAGE_BATCH = 500;

/** One round of tidying; each part logs its own failure and the other still runs. */
export async function tidyStorage(db: Db, now = Date.now()): Promise<{ chats: number; images: number }> {
  const chats = await purgeTrashOlderThan(db, now - TRASH_KEEP_MS).catch((err: unknown) => {
    console.error("[db] purging old deleted chats failed", err);
    return 0;
  });
  let images = 0;
  try {
    let deleted: number;
    do {
      deleted = await deleteUnreferencedImages(db, { now, limit: IMAGE_BATCH });
      images += deleted;
    } while (deleted === IMAGE_BATCH);
  } catch (err) {
    console.error("[db] deleting unsent images failed", err);
  }
  return { chats, images };
}

export async function startStorage(): Promise<void> {
  const db = await ensureDatabase();
  await getAuth();
  await tidyStorage(db);
  setInterval(() => void tidyStorage(db), TIDY_EVERY_MS).unref();
}
