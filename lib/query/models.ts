import { queryOptions } from "@tanstack/react-query";
import type { ModelsResponse } from "@/lib/chat/types";

async function fetchModels(): Promise<ModelsResponse> {
  const response = await fetch("/api/models", { headers: { accept: "application/json" } });
  // The body holds an AppErrorPayload; callers read it back with parseErrorPayload(error.message).
  if (!response.ok) throw new Error(await response.text());
  return (await response.json()) as ModelsResponse;
}

export const modelsQueryOptions = () =>
  queryOptions({
    queryKey: ["models"],
    queryFn: fetchModels,
    // The catalog changes rarely; the server caches it for minutes too.
    staleTime: 5 * 60_000,
  });
