"use client";

import type { ReactNode } from "react";
import { Sidebar } from "@/components/sidebar/sidebar";
import { SidebarProvider } from "@/components/sidebar/sidebar-context";
import type { FrameUser } from "@/components/sidebar/user-menu";
import { ToastProvider } from "@/components/ui/toast";

// The signed-in screen: the history beside the page, and the notices both of them may raise.
export function AppFrame({ user, children }: { user: FrameUser; children: ReactNode }) {
  return (
    <ToastProvider>
      <SidebarProvider>
        <div className="flex h-dvh">
          <Sidebar user={user} />
          <div className="flex min-w-0 flex-1 flex-col">{children}</div>
        </div>
      </SidebarProvider>
    </ToastProvider>
  );
}
