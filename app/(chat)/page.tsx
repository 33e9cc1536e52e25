import { ChatShell } from "@/components/chat/chat-shell";

export default function ChatPage() {
  return <ChatShell />;
}
