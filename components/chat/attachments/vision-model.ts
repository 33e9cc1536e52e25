import type { CatalogModel } from "@/lib/chat/types";

/** The model to suggest for images: the default when it has vision, else the first that does. */
export function visionModelFor(
  catalog: { models: readonly CatalogModel[]; defaultModel: string } | undefined,
): string | undefined {
  if (!catalog) return undefined;
  const fallback = catalog.models.find((m) => m.id === catalog.defaultModel && m.vision);
  return (fallback ?? catalog.models.find((m) => m.vision))?.id;
}
