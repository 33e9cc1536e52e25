import type { ReactNode } from "react";
import { requirePageUser } from "@/lib/auth/page";

// Every chat page needs a session (the proxy only checks that a cookie exists).
export default async function ChatLayout({ children }: { children: ReactNode }) {
  await requirePageUser();
  return <div className="flex h-dvh">{children}</div>;
}
