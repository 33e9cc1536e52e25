// The comparison pages' chat: the app's transport, request shape, layout classes and stick-to-bottom scrolling, with
// only the renderer swapped. The DOM mirrors components/chat (article[data-testid=message][data-role][data-status] >
// content div) so the harness drives and measures all variants the same way.
import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport, type UIMessage } from "ai";
import { useState, type ComponentType, type KeyboardEvent } from "react";
import { useStickToBottom } from "@/components/chat/use-stick-to-bottom";

export interface RendererProps {
  text: string;
  streaming: boolean;
}

function chatId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function createTransport() {
  return new DefaultChatTransport<UIMessage>({
    api: "/api/chat",
    prepareSendMessagesRequest: ({ id, messages }) => ({ body: { id, messages } }),
  });
}

export function BenchChat({ Renderer, name }: { Renderer: ComponentType<RendererProps>; name: string }) {
  const [id] = useState(chatId);
  const [transport] = useState(createTransport);
  const [draft, setDraft] = useState("");
  const { messages, status, sendMessage } = useChat({ id, transport });
  const { scrollerRef, contentRef, follow } = useStickToBottom<HTMLDivElement, HTMLDivElement>();
  const busy = status === "submitted" || status === "streaming";

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    if (busy || draft.trim() === "") return;
    follow();
    void sendMessage({ text: draft.trim() });
    setDraft("");
  };

  return (
    <div className="flex h-dvh flex-col" data-bench-renderer={name}>
      <div ref={scrollerRef} className="flex-1 overflow-y-auto overscroll-contain">
        <div ref={contentRef} className="mx-auto w-full max-w-3xl px-4 py-6">
          <section className="flex flex-col gap-6">
            {messages.map((message, index) => {
              const isUser = message.role === "user";
              const streaming = !isUser && index === messages.length - 1 && busy;
              return (
                <article
                  key={message.id}
                  data-testid="message"
                  data-role={message.role}
                  data-status={streaming ? "streaming" : "done"}
                  className={isUser ? "flex flex-col items-end gap-1.5" : "flex flex-col items-start gap-1.5"}
                >
                  <div
                    className={
                      isUser
                        ? "max-w-[85%] min-w-0 rounded-2xl rounded-br-md bg-primary-soft px-4 py-2.5 leading-relaxed"
                        : "w-full min-w-0 leading-relaxed"
                    }
                  >
                    {message.parts.map((part, i) =>
                      part.type !== "text" ? null : isUser ? (
                        <div key={i} className="message-text whitespace-pre-wrap">
                          {part.text}
                        </div>
                      ) : (
                        <Renderer key={i} text={part.text} streaming={part.state === "streaming"} />
                      ),
                    )}
                  </div>
                </article>
              );
            })}
          </section>
        </div>
      </div>
      <div className="mx-auto w-full max-w-3xl px-3 pb-3 sm:px-4 sm:pb-4">
        <div className="flex items-end gap-2 rounded-2xl border border-border bg-surface p-2 shadow-sm">
          <textarea
            data-testid="chat-input"
            aria-label="message"
            rows={1}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onKeyDown}
            className="max-h-52 min-h-10 w-full resize-none bg-transparent px-2 py-2 outline-none"
          />
        </div>
      </div>
    </div>
  );
}
