import { randomUUID } from "node:crypto";
import { redirect } from "next/navigation";
import { ChatShell } from "@/components/chat/chat-shell";
import { requirePageUser } from "@/lib/auth/page";
import { ensureDatabase } from "@/lib/db";
import { getConversation } from "@/lib/db/queries/conversations";

export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A new chat: nothing is stored until its first question (then the address becomes /c/{id}).
// Its id is in the address (?id=): New chat links here with a fresh one, so every click renders a
// new, empty chat, and a reload keeps the same one.
export default async function NewChatPage({ searchParams }: { searchParams: Promise<{ id?: string | string[] }> }) {
  const user = await requirePageUser("/new");
  const { id: asked } = await searchParams;
  // The id goes in the address, so that a reload keeps the same chat (and its unsent draft).
  if (typeof asked !== "string" || !UUID.test(asked)) redirect(`/new?id=${randomUUID()}`);
  const id = asked;
  // Already one of the user's chats (a reload after its first question): open it.
  if (await getConversation(await ensureDatabase(), user.id, id)) redirect(`/c/${id}`);
  return <ChatShell key={id} chatId={id} />;
}
