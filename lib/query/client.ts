import { QueryClient } from "@tanstack/react-query";

/** One client per browser tab; a non-zero staleTime stops refetching data the server just rendered. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 60_000,
        refetchOnWindowFocus: false,
      },
    },
  });
}
