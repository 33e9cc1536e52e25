import type { WireMessage } from "@/lib/gateway/wire";

// Turns the conversation as the browser holds it into the gateway's messages.
// Only text goes upstream: reasoning stays with the reply it belongs to.

interface MessageLike {
  role: "user" | "assistant";
  parts: ReadonlyArray<{ type: string; text?: unknown }>;
}

export function messageText(message: MessageLike): string {
  let text = "";
  for (const part of message.parts) if (part.type === "text" && typeof part.text === "string") text += part.text;
  return text;
}

export function toWireMessages(messages: readonly MessageLike[], system?: string): WireMessage[] {
  const wire: WireMessage[] = [];
  if (system?.trim()) wire.push({ role: "system", content: system.trim() });
  for (const message of messages) {
    const text = messageText(message);
    // An assistant turn that failed before any text carries nothing the model needs.
    if (message.role === "assistant" && text === "") continue;
    wire.push(message.role === "user" ? { role: "user", content: text } : { role: "assistant", content: text });
  }
  return wire;
}
