import "server-only";
import { getAuth } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { purgeTrashOlderThan } from "@/lib/db/queries/conversations";

// What the server does once at start, before the first request: the database is opened and
// migrated (replies a previous run left streaming become interrupted), the auth instance is built
// (ADMIN_EMAIL seeded), and deleted chats past their undo window are purged, then daily.

/** Deleted chats stay restorable this long. */
export const TRASH_KEEP_MS = 30 * 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function startStorage(): Promise<void> {
  const db = await ensureDatabase();
  await getAuth();
  const purge = () =>
    purgeTrashOlderThan(db, Date.now() - TRASH_KEEP_MS).catch((err: unknown) =>
      console.error("[db] purging old deleted chats failed", err),
    );
  await purge();
  setInterval(purge, DAY_MS).unref();
}
