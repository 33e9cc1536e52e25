import { respond } from "@/lib/api";
import { requireUser } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { conversationMarkdown, markdownFileName } from "@/lib/db/export-markdown";
import { getConversation } from "@/lib/db/queries/conversations";
import { listMessages } from "@/lib/db/queries/messages";
import { AppError } from "@/lib/errors";
import { LOCALE_COOKIE, resolveLocale } from "@/lib/i18n/config";

export const dynamic = "force-dynamic";

function cookieValue(req: Request, name: string): string | undefined {
  for (const pair of (req.headers.get("cookie") ?? "").split(";")) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

// The conversation as a Markdown file to download, labelled in the reader's language.
export function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  return respond("api/conversations/[id]/export", async () => {
    const user = await requireUser(req);
    const { id } = await ctx.params;
    const db = await ensureDatabase();
    const conversation = await getConversation(db, user.id, id);
    if (!conversation) throw new AppError("not_found");
    const locale = resolveLocale(cookieValue(req, LOCALE_COOKIE));
    const markdown = conversationMarkdown(conversation, await listMessages(db, user.id, id), locale);
    const name = markdownFileName(conversation, locale);
    return new Response(markdown, {
      headers: {
        "content-type": "text/markdown; charset=utf-8",
        // An ASCII fallback for old clients, the real (often Chinese) name for the rest.
        "content-disposition": `attachment; filename="chat.md"; filename*=UTF-8''${encodeURIComponent(name)}`,
        "cache-control": "private, no-store",
      },
    });
  });
}
