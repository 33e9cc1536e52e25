import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";

// The history list and search, as TanStack Query sees them (GET /api/conversations…).

export interface ConversationSummary {
  id: string;
  title: string;
  titleSource: "auto" | "user";
  model: string;
  messageCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface ConversationPage {
  items: ConversationSummary[];
  nextCursor: string | null;
}

export interface SearchHit {
  conversationId: string;
  title: string;
  updatedAt: number;
  messageId: string | null;
  snippet: string;
}

export const conversationKeys = {
  all: ["conversations"] as const,
  list: () => [...conversationKeys.all, "list"] as const,
  search: (query: string) => [...conversationKeys.all, "search", query] as const,
};

/** The body holds an AppErrorPayload; callers read it back with parseErrorPayload(error.message). */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { accept: "application/json", ...init?.headers } });
  if (!response.ok) throw new Error(await response.text());
  return (await response.json()) as T;
}

/** A chat still waiting for its generated title is looked at again shortly. */
const TITLE_WAIT_MS = 60_000;
export const awaitingTitle = (c: ConversationSummary, now = Date.now()) =>
  c.title === "" && now - c.updatedAt < TITLE_WAIT_MS;

export const conversationListOptions = () =>
  infiniteQueryOptions({
    queryKey: conversationKeys.list(),
    queryFn: ({ pageParam }) =>
      fetchJson<ConversationPage>(`/api/conversations${pageParam ? `?cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 30_000,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((c) => awaitingTitle(c))) ? 1500 : false,
  });

export const conversationSearchOptions = (query: string) =>
  queryOptions({
    queryKey: conversationKeys.search(query),
    queryFn: () => fetchJson<{ hits: SearchHit[] }>(`/api/conversations/search?q=${encodeURIComponent(query)}`),
    enabled: query.trim() !== "",
    staleTime: 10_000,
  });
