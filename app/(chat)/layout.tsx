import type { ReactNode } from "react";
import { AppFrame } from "@/components/app-frame";
import { requirePageUser } from "@/lib/auth/page";

// Every chat page needs a session (the proxy only checks that a cookie exists), and shows the
// user's history beside it.
export default async function ChatLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  return <AppFrame user={{ email: user.email, name: user.name, role: user.role }}>{children}</AppFrame>;
}
