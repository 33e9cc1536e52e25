import { validateForm } from "@/lib/announcements/form";
import { runStudioGeneration, type StudioEvent } from "@/lib/announcements/generate";
import { requireUser } from "@/lib/auth";
import { hashedUserId } from "@/lib/chat/requester";
import { ensureDatabase } from "@/lib/db";
import { AppError, toAppError } from "@/lib/errors";
import { serverEnv } from "@/lib/env";
import { getCatalog } from "@/lib/gateway/catalog";
import { assertSameOrigin, readJsonBody } from "@/lib/http";
import { checkQuota, recordUsage } from "@/lib/quota";
import { generateRequestSchema } from "../schema";

export const dynamic = "force-dynamic";

const BODY_LIMIT = 64_000;

// parse → session → form check → quota → a JSON-mode generation streamed as SSE events.
export async function POST(req: Request): Promise<Response> {
  try {
    assertSameOrigin(req);
    const user = await requireUser(req);
    const parsed = generateRequestSchema.safeParse(await readJsonBody(req, BODY_LIMIT));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError("invalid_body", {
        detail: `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
      });
    }
    const body = parsed.data;
    const problems = body.revision ? [] : validateForm(body.form);
    if (problems.length > 0) {
      throw new AppError("invalid_body", { detail: problems.map((p) => `${p.field}: ${p.code}`).join(", ") });
    }
    const env = serverEnv();
    const db = await ensureDatabase();
    await checkQuota(db, user.id);
    // The configured default model, or the first that answers in JSON mode.
    const { models } = await getCatalog();
    const model = models.find((m) => m.id === env.DEFAULT_MODEL && m.json) ?? models.find((m) => m.json) ?? models[0];
    if (!model) throw new AppError("unknown_model", { model: env.DEFAULT_MODEL });

    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const emit = (event: StudioEvent) => controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
        await runStudioGeneration({
          db,
          userId: user.id,
          form: body.form,
          ...(body.announcementId ? { announcementId: body.announcementId } : {}),
          ...(body.revision ? { revision: body.revision } : {}),
          model,
          gatewayUser: hashedUserId(user.id, env.secret),
          signal: req.signal,
          emit,
          onUsage: (usage, versionId) =>
            recordUsage(db, {
              userId: user.id,
              conversationId: null,
              messageId: `announcement:${versionId}`,
              model: model.id,
              usage,
            }),
        });
        try {
          controller.close();
        } catch {
          // the browser went away
        }
      },
    });
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        "x-accel-buffering": "no",
      },
    });
  } catch (err) {
    const appError = toAppError(err);
    if (appError.code === "internal") console.error("[api/announcements/generate]", err);
    return appError.toResponse();
  }
}
