import type { ReactNode } from "react";
import { ToastProvider } from "@/components/ui/toast";
import { requirePageAdmin } from "@/lib/auth/page";

// Admins only: the signed-out go to the sign-in page, staff back to their chats.
export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requirePageAdmin("/admin");
  return <ToastProvider>{children}</ToastProvider>;
}
