import { queryOptions } from "@tanstack/react-query";
import type { AnnouncementForm } from "@/lib/announcements/form";
import type { AnnouncementVersion } from "@/lib/announcements/generate";
import { parseErrorPayload } from "@/lib/errors";

// The studio's server state: the list of saved announcements and one announcement with its versions.

export interface AnnouncementListItem {
  id: string;
  kind: string;
  title: string;
  versionCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface AnnouncementDetail {
  announcement: AnnouncementListItem & { form: AnnouncementForm };
  versions: AnnouncementVersion[];
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw parseErrorPayload(await response.text());
  return (await response.json()) as T;
}

export const announcementKeys = {
  all: ["announcements"] as const,
  list: () => [...announcementKeys.all, "list"] as const,
  detail: (id: string) => [...announcementKeys.all, "detail", id] as const,
};

export const announcementListQuery = () =>
  queryOptions({
    queryKey: announcementKeys.list(),
    queryFn: () => getJson<{ items: AnnouncementListItem[] }>("/api/announcements"),
    staleTime: 10_000,
  });

export const announcementQuery = (id: string) =>
  queryOptions({
    queryKey: announcementKeys.detail(id),
    queryFn: () => getJson<AnnouncementDetail>(`/api/announcements/${encodeURIComponent(id)}`),
  });
