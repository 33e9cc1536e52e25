"use client";

import { useParams, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { AnnouncementsLink } from "@/components/announcements/announcements-link";
import { Button } from "@/components/ui/button";
import { IconButton } from "@/components/ui/icon-button";
import { CloseIcon, NewChatIcon } from "@/components/ui/icons";
import { SearchIcon } from "@/components/ui/nav-icons";
import { randomId, cn } from "@/lib/utils";
import { ConversationList } from "./conversation-list";
import { useSidebar } from "./sidebar-context";
import { UserMenu, type FrameUser } from "./user-menu";

// The left column: new chat, search, the history, and the account. Always shown on wide screens;
// a drawer on narrow ones (opened from the chat header).

export function Sidebar({ user }: { user: FrameUser }) {
  const t = useTranslations("sidebar");
  const tApp = useTranslations("app");
  const router = useRouter();
  const params = useParams<{ id?: string }>();
  const sidebar = useSidebar();
  const [query, setQuery] = useState("");
  const open = sidebar?.open ?? false;
  const close = () => sidebar?.setOpen(false);

  return (
    <>
      {open && <div aria-hidden="true" className="fixed inset-0 z-30 bg-overlay md:hidden" onClick={close} />}
      <aside
        data-testid="sidebar"
        data-open={open}
        aria-label={t("label")}
        className={cn(
          "z-40 flex w-72 shrink-0 flex-col border-r border-border bg-background md:static md:flex md:w-64",
          open ? "fixed inset-y-0 left-0 flex shadow-xl" : "hidden",
        )}
      >
        <div className="flex h-14 items-center gap-1 px-3">
          <span className="flex-1 truncate text-base font-semibold tracking-tight">{tApp("name")}</span>
          <IconButton
            className="md:hidden"
            label={t("close")}
            icon={<CloseIcon />}
            side="bottom"
            align="end"
            onClick={close}
          />
        </div>
        <div className="flex flex-col gap-2 px-3 pb-3">
          <Button
            variant="secondary"
            size="sm"
            data-testid="sidebar-new-chat"
            className="justify-start"
            onClick={() => {
              close();
              router.push(`/new?id=${randomId()}`);
            }}
          >
            <NewChatIcon />
            {t("newChat")}
          </Button>
          <AnnouncementsLink onClick={close} />
          <label className="relative block">
            <span className="sr-only">{t("search")}</span>
            <SearchIcon className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-muted-foreground" />
            <input
              type="search"
              data-testid="conversation-search"
              value={query}
              placeholder={t("searchPlaceholder")}
              onChange={(event) => setQuery(event.target.value)}
              className="h-9 w-full rounded-lg border border-border bg-surface pr-2 pl-8 text-sm placeholder:text-muted-foreground focus-visible:border-ring focus-visible:outline-none"
            />
          </label>
        </div>
        <div className="min-h-0 flex-1 overflow-y-auto pb-3">
          <ConversationList
            activeId={params.id ? decodeURIComponent(params.id) : undefined}
            query={query}
            onOpen={close}
          />
        </div>
        <UserMenu user={user} />
      </aside>
    </>
  );
}
