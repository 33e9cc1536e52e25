"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState, type KeyboardEvent } from "react";
import { IconButton } from "@/components/ui/icon-button";
import { DownloadIcon, EditIcon, TrashIcon } from "@/components/ui/nav-icons";
import type { ConversationSummary } from "@/lib/query/conversations";
import { cn } from "@/lib/utils";

// One chat in the history: its link, and (on hover, focus, or always on touch screens) rename,
// export as Markdown and delete.

export function ConversationItem({
  conversation,
  active,
  snippet,
  onOpen,
  onRename,
  onDelete,
}: {
  conversation: ConversationSummary;
  active: boolean;
  /** Search results show the matching text. */
  snippet?: string | undefined;
  onOpen: () => void;
  onRename: (title: string) => void;
  onDelete: () => void;
}) {
  const t = useTranslations("sidebar");
  const [editing, setEditing] = useState(false);
  const title = conversation.title || t("untitled");
  const href = `/c/${encodeURIComponent(conversation.id)}`;

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter" && !event.nativeEvent.isComposing) {
      event.preventDefault();
      onRename(event.currentTarget.value);
      setEditing(false);
    } else if (event.key === "Escape") {
      event.preventDefault();
      setEditing(false);
    }
  };

  return (
    <li
      data-testid="conversation-item"
      data-id={conversation.id}
      data-active={active}
      className={cn(
        "group/item relative rounded-lg text-sm",
        active ? "bg-primary-soft text-foreground" : "text-foreground hover:bg-muted",
      )}
    >
      {editing ? (
        <input
          data-testid="conversation-title-input"
          aria-label={t("renameLabel")}
          defaultValue={conversation.title}
          maxLength={200}
          autoFocus
          onKeyDown={onKeyDown}
          onBlur={(event) => {
            onRename(event.currentTarget.value);
            setEditing(false);
          }}
          className="h-9 w-full rounded-lg border border-ring bg-surface px-2 text-sm outline-none"
        />
      ) : (
        <Link
          href={href}
          aria-current={active ? "page" : undefined}
          onClick={onOpen}
          className="flex min-h-9 flex-col justify-center rounded-lg px-2.5 py-1.5 pr-24 focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-ring"
        >
          <span data-testid="conversation-title" data-pending={conversation.title === ""} className="truncate">
            {title}
          </span>
          {snippet && snippet !== conversation.title && (
            <span
              data-testid="conversation-snippet"
              className="message-text line-clamp-2 text-xs text-muted-foreground"
            >
              {snippet}
            </span>
          )}
        </Link>
      )}
      {!editing && (
        <div
          role="group"
          aria-label={t("actions", { title })}
          className={cn(
            "absolute top-1 right-1 items-center gap-0.5",
            active ? "flex" : "hidden group-focus-within/item:flex group-hover/item:flex [@media(hover:none)]:flex",
          )}
        >
          <IconButton
            data-testid="conversation-rename"
            label={t("rename")}
            icon={<EditIcon />}
            side="bottom"
            onClick={() => setEditing(true)}
            className="size-7"
          />
          <a
            data-testid="conversation-export"
            href={`/api/conversations/${encodeURIComponent(conversation.id)}/export`}
            download
            aria-label={t("export")}
            title={t("export")}
            className="inline-flex size-7 items-center justify-center rounded-lg text-muted-foreground hover:bg-surface hover:text-foreground focus-visible:outline-2 focus-visible:outline-ring"
          >
            <DownloadIcon />
          </a>
          <IconButton
            data-testid="conversation-delete"
            label={t("delete")}
            icon={<TrashIcon />}
            side="bottom"
            align="end"
            onClick={onDelete}
            className="size-7 hover:text-danger-strong"
          />
        </div>
      )}
    </li>
  );
}
