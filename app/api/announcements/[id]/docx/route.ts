import { noticeDocx } from "@/lib/announcements/docx";
import type { Announcement } from "@/lib/announcements/schema";
import { requireUser } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { getAnnouncement } from "@/lib/db/queries/announcements";
import { AppError, toAppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** GET ?version=<id> (default: the newest): the notice as a Word document, built on the server. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  try {
    const user = await requireUser(req);
    const { id } = await params;
    const found = await getAnnouncement<unknown, Announcement>(await ensureDatabase(), user.id, id);
    const versionId = new URL(req.url).searchParams.get("version");
    const version = versionId ? found?.versions.find((v) => v.id === versionId) : found?.versions.at(-1);
    if (!version) throw new AppError("not_found");
    const bytes = await noticeDocx(version.content);
    // Windows forbids these in file names; the title is the name staff expect.
    const name = `${version.content.title.replace(/[\\/:*?"<>|\s]+/g, "_").slice(0, 60) || "公告"}.docx`;
    return new Response(new Uint8Array(bytes), {
      headers: {
        "content-type": DOCX,
        "content-disposition": `attachment; filename="announcement.docx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    return toAppError(err).toResponse();
  }
}
