"use client";

import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useToast } from "@/components/ui/toast";
import {
  conversationKeys,
  fetchJson,
  type ConversationPage,
  type ConversationSummary,
} from "@/lib/query/conversations";

// Rename, delete (with undo) and restore, applied to the cached list at once and then to the server.

type ListData = InfiniteData<ConversationPage, string | null>;

export function useConversationActions() {
  const t = useTranslations("sidebar");
  const queryClient = useQueryClient();
  const toast = useToast();
  const router = useRouter();
  const pathname = usePathname();

  const editList = (edit: (items: ConversationSummary[]) => ConversationSummary[]) =>
    queryClient.setQueryData<ListData>(conversationKeys.list(), (data) =>
      data ? { ...data, pages: data.pages.map((page) => ({ ...page, items: edit(page.items) })) } : data,
    );
  const refresh = () => queryClient.invalidateQueries({ queryKey: conversationKeys.all });
  const failed = () => toast({ message: t("failed") });
  const send = (url: string, method: string, body?: unknown) =>
    fetchJson(url, {
      method,
      ...(body ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}),
    });
  const shownTitle = (c: ConversationSummary) => c.title || t("untitled");

  const restore = async (c: ConversationSummary) => {
    try {
      await send(`/api/conversations/${encodeURIComponent(c.id)}/restore`, "POST");
      toast({ message: t("restored", { title: shownTitle(c) }), durationMs: 3000 });
    } catch {
      failed();
    }
    await refresh();
  };

  return {
    rename: async (c: ConversationSummary, title: string) => {
      const trimmed = title.trim();
      if (!trimmed || trimmed === c.title) return;
      editList((items) => items.map((i) => (i.id === c.id ? { ...i, title: trimmed, titleSource: "user" } : i)));
      try {
        await send(`/api/conversations/${encodeURIComponent(c.id)}`, "PATCH", { title: trimmed });
      } catch {
        failed();
      }
      await refresh();
    },
    remove: async (c: ConversationSummary) => {
      editList((items) => items.filter((i) => i.id !== c.id));
      try {
        await send(`/api/conversations/${encodeURIComponent(c.id)}`, "DELETE");
      } catch {
        failed();
        await refresh();
        return;
      }
      toast({
        message: t("deleted", { title: shownTitle(c) }),
        action: { label: t("undo"), onClick: () => void restore(c) },
        durationMs: 8000,
      });
      // The open chat was the one deleted: go to the newest remaining one (or a new chat).
      if (pathname === `/c/${encodeURIComponent(c.id)}` || pathname === `/c/${c.id}`) router.push("/");
      await refresh();
    },
  };
}
