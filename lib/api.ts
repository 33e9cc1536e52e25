import "server-only";
import type { z } from "zod";
import { AppError, toAppError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http";

// What every JSON route handler shares: typed failures as AppError responses, and bodies parsed
// with the zod schema that sits beside the route.

/** Runs a handler; any failure becomes its AppError response (an unexpected one is logged as internal). */
export async function respond(label: string, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (err) {
    const error = toAppError(err);
    if (error.code === "internal") console.error(`[${label}]`, err);
    return error.toResponse();
  }
}

const SMALL_BODY = 64 * 1024;

/** The request's JSON body, validated; invalid_body naming the first bad field otherwise. */
export async function parseBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await readJsonBody(req, SMALL_BODY));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("invalid_body", {
      detail: `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
    });
  }
  return parsed.data;
}
