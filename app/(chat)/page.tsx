import { randomUUID } from "node:crypto";
import { redirect } from "next/navigation";
import { requirePageUser } from "@/lib/auth/page";
import { ensureDatabase } from "@/lib/db";
import { listConversations } from "@/lib/db/queries/conversations";

export const dynamic = "force-dynamic";

// The front door: the newest conversation, or a new one.
export default async function HomePage() {
  const user = await requirePageUser();
  const { items } = await listConversations(await ensureDatabase(), user.id, { limit: 1 });
  redirect(items[0] ? `/c/${encodeURIComponent(items[0].id)}` : `/new?id=${randomUUID()}`);
}
