"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

// The way into the announcement studio from the chat's sidebar.

function MegaphoneIcon(props: ComponentProps<"svg">) {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      width={16}
      height={16}
      {...props}
    >
      <path d="M3 11v2a1 1 0 0 0 1 1h2l5 4V6L6 10H4a1 1 0 0 0-1 1Z" />
      <path d="M15 9a3 3 0 0 1 0 6" />
      <path d="M18 6a7 7 0 0 1 0 12" />
    </svg>
  );
}

export function AnnouncementsLink({ className, onClick }: { className?: string; onClick?: () => void }) {
  const t = useTranslations("announcements");
  return (
    <Link
      href="/announcements"
      data-testid="nav-announcements"
      onClick={onClick}
      className={cn(
        "flex h-8 items-center gap-1.5 rounded-lg border border-border bg-surface px-3 text-sm font-medium text-foreground transition-colors hover:bg-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring",
        className,
      )}
    >
      <MegaphoneIcon />
      {t("title")}
    </Link>
  );
}
