import { AnnouncementStudio, type StudioInitial } from "@/components/announcements/announcement-studio";
import type { AnnouncementForm } from "@/lib/announcements/form";
import type { Announcement } from "@/lib/announcements/schema";
import { requirePageUser } from "@/lib/auth/page";
import { ensureDatabase } from "@/lib/db";
import { getAnnouncement } from "@/lib/db/queries/announcements";

export const dynamic = "force-dynamic";

// 公告助手. With ?id=… a saved announcement opens with its form and every version; another user's
// id (or a deleted one) opens an empty studio.
export default async function AnnouncementsPage({ searchParams }: { searchParams: Promise<{ id?: string }> }) {
  const { id } = await searchParams;
  const user = await requirePageUser(id ? `/announcements?id=${encodeURIComponent(id)}` : "/announcements");
  let initial: StudioInitial | undefined;
  if (id) {
    const found = await getAnnouncement<AnnouncementForm, Announcement>(await ensureDatabase(), user.id, id);
    if (found && found.versions.length > 0) {
      initial = { id: found.announcement.id, form: found.announcement.form, versions: found.versions };
    }
  }
  return <AnnouncementStudio key={initial?.id ?? "new"} initial={initial} />;
}
