import "server-only";
import { z } from "zod";
import type { CatalogModel } from "@/lib/chat/types";
import { serverEnv } from "@/lib/env";
import { defaultTarget, type GatewayTarget } from "./client";
import { FALLBACK_MODELS } from "./model-table";
import type { WireModel } from "./wire";

// The model catalog: GET {base}/models, cached for MODEL_CATALOG_TTL_SECONDS; the notes' table
// when the gateway cannot be reached (a failed fetch is retried after a short back-off, not per request).

const wireModelSchema = z.looseObject({
  id: z.string().min(1).max(128),
  owned_by: z.string().default("unknown"),
  family: z.string().default("unknown"),
  capabilities: z.array(z.string()).default([]),
  context_window: z.number().int().positive().default(8192),
  max_output_tokens: z.number().int().positive().default(4096),
  input_modalities: z.array(z.string()).default(["text"]),
});
const listSchema = z.object({ data: z.array(z.unknown()) });

export function toCatalogModel(
  m: Pick<
    WireModel,
    "id" | "owned_by" | "family" | "capabilities" | "context_window" | "max_output_tokens" | "input_modalities"
  >,
): CatalogModel {
  const caps = new Set(m.capabilities);
  return {
    id: m.id,
    family: m.family,
    ownedBy: m.owned_by,
    vision: caps.has("vision") || m.input_modalities.includes("image"),
    tools: caps.has("tool_use"),
    json: caps.has("json_schema") || caps.has("json"),
    thinking: caps.has("thinking"),
    contextWindow: m.context_window,
    maxOutputTokens: m.max_output_tokens,
  };
}

export interface Catalog {
  models: CatalogModel[];
  source: "gateway" | "fallback";
  fetchedAt: number;
}

const FALLBACK_RETRY_MS = 30_000;
let cache: Catalog | undefined;
let inflight: Promise<Catalog> | undefined;

export function fallbackCatalog(now = Date.now()): Catalog {
  return { models: FALLBACK_MODELS.map(toCatalogModel), source: "fallback", fetchedAt: now };
}

export async function fetchCatalog(target: GatewayTarget, fetchImpl: typeof fetch = fetch): Promise<Catalog> {
  try {
    const res = await fetchImpl(`${target.baseUrl}/models`, {
      headers: { authorization: `Bearer ${target.apiKey}` },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) return fallbackCatalog();
    const list = listSchema.parse(await res.json());
    const models = list.data.flatMap((item) => {
      const parsed = wireModelSchema.safeParse(item);
      return parsed.success ? [toCatalogModel(parsed.data)] : [];
    });
    return models.length > 0 ? { models, source: "gateway", fetchedAt: Date.now() } : fallbackCatalog();
  } catch {
    return fallbackCatalog();
  }
}

export async function getCatalog(): Promise<Catalog> {
  const now = Date.now();
  const ttl = cache?.source === "gateway" ? serverEnv().MODEL_CATALOG_TTL_SECONDS * 1000 : FALLBACK_RETRY_MS;
  if (cache && now - cache.fetchedAt < ttl) return cache;
  inflight ??= fetchCatalog(defaultTarget()).then((fresh) => {
    cache = fresh;
    inflight = undefined;
    return fresh;
  });
  return inflight;
}

export async function findModel(id: string): Promise<CatalogModel | undefined> {
  const catalog = await getCatalog();
  return catalog.models.find((m) => m.id === id);
}

/** For tests: forget the cached catalog. */
export function resetCatalogCache(): void {
  cache = undefined;
  inflight = undefined;
}
