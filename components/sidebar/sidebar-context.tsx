"use client";

import { createContext, use, useMemo, useState, type ReactNode } from "react";

// Whether the history drawer is open on a narrow screen (on a wide one the sidebar always shows).
// The chat header's menu button opens it; picking a chat closes it.

interface SidebarState {
  open: boolean;
  setOpen: (open: boolean) => void;
}

const SidebarContext = createContext<SidebarState | null>(null);

/** Null outside the signed-in frame (pages without a sidebar show no menu button). */
export function useSidebar(): SidebarState | null {
  return use(SidebarContext);
}

export function SidebarProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const value = useMemo(() => ({ open, setOpen }), [open]);
  return <SidebarContext value={value}>{children}</SidebarContext>;
}
