"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { signOut } from "@/components/auth/auth-api";
import { Button } from "@/components/ui/button";
import { ChartIcon, LogOutIcon, ShieldIcon } from "@/components/ui/nav-icons";

export interface FrameUser {
  email: string;
  name: string;
  role: "admin" | "user";
}

// Who is signed in, their usage, the admin screen for admins, and sign-out.
export function UserMenu({ user }: { user: FrameUser }) {
  const t = useTranslations("userMenu");
  const router = useRouter();
  const [leaving, setLeaving] = useState(false);
  const link =
    "flex h-9 items-center gap-2 rounded-lg px-2.5 text-sm text-foreground hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring";
  return (
    <nav aria-label={t("label")} data-testid="user-menu" className="flex flex-col gap-0.5 border-t border-border p-2">
      <div className="px-2.5 py-1.5">
        <p data-testid="user-email" className="truncate text-sm font-medium">
          {user.email}
        </p>
        <p className="text-xs text-muted-foreground">{user.role === "admin" ? t("roleAdmin") : t("roleStaff")}</p>
      </div>
      <Link href="/usage" data-testid="usage-link" className={link}>
        <ChartIcon />
        {t("usage")}
      </Link>
      {user.role === "admin" && (
        <Link href="/admin" data-testid="admin-link" className={link}>
          <ShieldIcon />
          {t("admin")}
        </Link>
      )}
      <Button
        variant="ghost"
        size="sm"
        data-testid="sign-out"
        disabled={leaving}
        className="h-9 justify-start gap-2 px-2.5 text-foreground"
        onClick={async () => {
          setLeaving(true);
          await signOut().catch(() => {});
          // The next sign-in loads the page afresh, so no cached history outlives the session.
          router.replace("/sign-in");
        }}
      >
        <LogOutIcon />
        {t("signOut")}
      </Button>
    </nav>
  );
}
