import { respond } from "@/lib/api";
import { requireUser } from "@/lib/auth";
import { ensureDatabase } from "@/lib/db";
import { listConversations } from "@/lib/db/queries/conversations";
import { AppError } from "@/lib/errors";
import { listQuerySchema } from "./schema";
import { toSummary } from "./summary";

export const dynamic = "force-dynamic";

// The user's conversations, newest first, a page at a time (?cursor= from the previous page).
export function GET(req: Request): Promise<Response> {
  return respond("api/conversations", async () => {
    const user = await requireUser(req);
    const query = listQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!query.success) throw new AppError("invalid_body", { detail: "cursor or limit" });
    const page = await listConversations(await ensureDatabase(), user.id, {
      cursor: query.data.cursor ?? null,
      limit: query.data.limit ?? 30,
    });
    return Response.json({ items: page.items.map(toSummary), nextCursor: page.nextCursor });
  });
}
