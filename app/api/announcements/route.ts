import { requireUser } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { listAnnouncements } from "@/lib/db/queries/announcements";
import { toAppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** The signed-in user's saved announcements, newest first. */
export async function GET(req: Request): Promise<Response> {
  try {
    const user = await requireUser(req);
    const items = await listAnnouncements(await ensureDatabase(), user.id, { limit: 100 });
    return Response.json({ items });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
