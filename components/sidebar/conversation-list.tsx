"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useDeferredValue, useMemo } from "react";
import { Button } from "@/components/ui/button";
import {
  conversationListOptions,
  conversationSearchOptions,
  type ConversationSummary,
} from "@/lib/query/conversations";
import { ConversationItem } from "./conversation-item";
import { groupByDay } from "./group-by-day";
import { useConversationActions } from "./use-conversation-actions";

// The history: newest first in day sections, or, while searching, the chats whose title or
// messages contain the query (any substring: Chinese works).

export function ConversationList({
  activeId,
  query,
  onOpen,
}: {
  activeId: string | undefined;
  query: string;
  onOpen: () => void;
}) {
  const t = useTranslations("sidebar");
  const actions = useConversationActions();
  const searching = useDeferredValue(query.trim());
  const list = useInfiniteQuery(conversationListOptions());
  const search = useQuery(conversationSearchOptions(searching));
  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const sections = useMemo(() => groupByDay(items, (c) => c.updatedAt), [items]);

  const item = (conversation: ConversationSummary, snippet?: string) => (
    <ConversationItem
      key={conversation.id}
      conversation={conversation}
      active={conversation.id === activeId}
      snippet={snippet}
      onOpen={onOpen}
      onRename={(title) => void actions.rename(conversation, title)}
      onDelete={() => void actions.remove(conversation)}
    />
  );

  if (searching) {
    const hits = search.data?.hits;
    if (!hits) return null;
    if (hits.length === 0) {
      return (
        <p className="message-text px-3 py-4 text-sm text-muted-foreground">{t("noResults", { query: searching })}</p>
      );
    }
    return (
      <ul data-testid="search-results" className="flex flex-col gap-0.5 px-2">
        {hits.map((hit) => {
          const known = items.find((c) => c.id === hit.conversationId);
          const summary: ConversationSummary = known ?? {
            id: hit.conversationId,
            title: hit.title,
            titleSource: "auto",
            model: "",
            messageCount: 0,
            createdAt: hit.updatedAt,
            updatedAt: hit.updatedAt,
          };
          return item(summary, hit.snippet);
        })}
      </ul>
    );
  }

  if (list.isError) {
    return (
      <div className="flex flex-col items-start gap-2 px-3 py-4 text-sm text-muted-foreground">
        <p>{t("loadFailed")}</p>
        <Button variant="secondary" size="sm" onClick={() => void list.refetch()}>
          {t("retry")}
        </Button>
      </div>
    );
  }
  if (list.isSuccess && items.length === 0) {
    return <p className="message-text px-3 py-4 text-sm text-muted-foreground">{t("empty")}</p>;
  }
  return (
    <div data-testid="conversation-list" className="flex flex-col gap-3 px-2">
      {sections.map(({ group, items: inGroup }) => (
        <section key={group} data-testid="conversation-group" data-group={group} aria-labelledby={`group-${group}`}>
          <h3 id={`group-${group}`} className="px-2.5 pb-1 text-xs font-medium text-muted-foreground">
            {t(group)}
          </h3>
          <ul className="flex flex-col gap-0.5">{inGroup.map((c) => item(c))}</ul>
        </section>
      ))}
      {list.hasNextPage && (
        <Button
          variant="ghost"
          size="sm"
          data-testid="conversations-more"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {t("loadMore")}
        </Button>
      )}
    </div>
  );
}
