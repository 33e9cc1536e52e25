"use client";

import { useQuery } from "@tanstack/react-query";
import { modelsQueryOptions } from "@/lib/query/models";

export function useModels() {
  return useQuery(modelsQueryOptions());
}
