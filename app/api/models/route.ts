import { requireUser } from "@/lib/auth";
import type { ModelsResponse } from "@/lib/chat/types";
import { serverEnv } from "@/lib/env";
import { toAppError } from "@/lib/errors";
import { getCatalog } from "@/lib/gateway/catalog";
import { GATEWAY_MAX_IMAGE_BYTES, MAX_SOURCE_FILE_BYTES } from "@/lib/images/limits";

export const dynamic = "force-dynamic";

// The catalog as the browser may see it: capabilities only, never the key or the gateway URL.
export async function GET(req: Request): Promise<Response> {
  try {
    await requireUser(req);
  } catch (err) {
    return toAppError(err).toResponse();
  }
  const env = serverEnv();
  const catalog = await getCatalog();
  const defaultModel = catalog.models.some((m) => m.id === env.DEFAULT_MODEL)
    ? env.DEFAULT_MODEL
    : (catalog.models[0]?.id ?? env.DEFAULT_MODEL);
  const body: ModelsResponse = {
    models: catalog.models,
    defaultModel,
    demoMode: env.demoMode,
    source: catalog.source,
    defaults: {
      thinking: env.DEFAULT_THINKING,
      ...(env.DEFAULT_TEMPERATURE !== undefined ? { temperature: env.DEFAULT_TEMPERATURE } : {}),
      ...(env.DEFAULT_SYSTEM_PROMPT !== undefined ? { system: env.DEFAULT_SYSTEM_PROMPT } : {}),
    },
    images: {
      maxEdge: env.IMAGE_MAX_EDGE,
      maxPerMessage: env.CHAT_MAX_IMAGES,
      maxSourceBytes: MAX_SOURCE_FILE_BYTES,
      maxUploadBytes: GATEWAY_MAX_IMAGE_BYTES,
    },
  };
  return Response.json(body, { headers: { "cache-control": "private, max-age=60" } });
}
