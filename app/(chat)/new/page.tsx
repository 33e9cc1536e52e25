import { randomUUID } from "node:crypto";
import { redirect } from "next/navigation";
import { ChatShell } from "@/components/chat/chat-shell";
import { requirePageUser } from "@/lib/auth/page";
import { ensureDatabase } from "@/lib/db";
import { getConversation } from "@/lib/db/queries/conversations";

export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A new chat: nothing is stored until its first question (then the address becomes /c/{id}).
// New chat links here with a fresh ?id= so that every click renders a new, empty chat.
export default async function NewChatPage({ searchParams }: { searchParams: Promise<{ id?: string | string[] }> }) {
  const user = await requirePageUser("/new");
  const { id: asked } = await searchParams;
  const id = typeof asked === "string" && UUID.test(asked) ? asked : randomUUID();
  // Already one of the user's chats (a reload after its first question): open it.
  if (id === asked && (await getConversation(await ensureDatabase(), user.id, id))) redirect(`/c/${id}`);
  return <ChatShell key={id} chatId={id} />;
}
