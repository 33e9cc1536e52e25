import type { Conversation } from "@/lib/db/queries/conversations";
import type { ConversationSummary } from "@/lib/query/conversations";

/** What the browser gets of a conversation: no owner id, no settings. */
export function toSummary(c: Conversation): ConversationSummary {
  return {
    id: c.id,
    title: c.title,
    titleSource: c.titleSource,
    model: c.model,
    messageCount: c.messageCount,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
