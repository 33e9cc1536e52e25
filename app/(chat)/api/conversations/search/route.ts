import { respond } from "@/lib/api";
import { requireUser } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { searchConversations } from "@/lib/db/queries/search";
import { AppError } from "@/lib/errors";
import { searchQuerySchema } from "../schema";

export const dynamic = "force-dynamic";

// Titles and message text, by substring (Chinese needs no word segmenter), newest first.
export function GET(req: Request): Promise<Response> {
  return respond("api/conversations/search", async () => {
    const user = await requireUser(req);
    const query = searchQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!query.success) throw new AppError("invalid_body", { detail: "q: at most 200 characters" });
    const hits = await searchConversations(await ensureDatabase(), user.id, query.data.q, { limit: 30 });
    return Response.json({ hits });
  });
}
