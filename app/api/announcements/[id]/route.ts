import type { AnnouncementForm } from "@/lib/announcements/form";
import type { Announcement } from "@/lib/announcements/schema";
import { requireUser } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { deleteAnnouncement, getAnnouncement } from "@/lib/db/queries/announcements";
import { AppError, toAppError } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/http";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

/** One announcement with every version; another user's reads as not found. */
export async function GET(req: Request, { params }: Context): Promise<Response> {
  try {
    const user = await requireUser(req);
    const { id } = await params;
    const found = await getAnnouncement<AnnouncementForm, Announcement>(await ensureDatabase(), user.id, id);
    if (!found) throw new AppError("not_found");
    return Response.json(found);
  } catch (err) {
    return toAppError(err).toResponse();
  }
}

export async function DELETE(req: Request, { params }: Context): Promise<Response> {
  try {
    assertSameOrigin(req);
    const user = await requireUser(req);
    const { id } = await params;
    if (!(await deleteAnnouncement(await ensureDatabase(), user.id, id))) throw new AppError("not_found");
    return new Response(null, { status: 204 });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
