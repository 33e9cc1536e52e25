import { notFound } from "next/navigation";
import { ChatShell } from "@/components/chat/chat-shell";
import { requirePageUser } from "@/lib/auth/page";
import { ensureDatabase } from "@/lib/db";
import { getConversation } from "@/lib/db/queries/conversations";
import { listMessages, toUIMessage } from "@/lib/db/queries/messages";

export const dynamic = "force-dynamic";

// A stored conversation, loaded on the server. A reply still being written is shown as far as it
// got, and the page re-attaches to it; another user's conversation is simply not found.
export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser(`/c/${encodeURIComponent(id)}`);
  const db = await ensureDatabase();
  const conversation = await getConversation(db, user.id, id);
  if (!conversation) notFound();
  const stored = await listMessages(db, user.id, id);
  const last = stored.at(-1);
  const resume = last !== undefined && (last.role === "user" || last.status === "streaming");
  return (
    <ChatShell
      key={id}
      chatId={id}
      initialMessages={stored.filter((m) => m.role !== "system").map(toUIMessage)}
      initialModel={conversation.model}
      initialSettings={conversation.settings}
      resume={resume}
    />
  );
}
