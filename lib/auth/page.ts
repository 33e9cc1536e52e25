import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AppError } from "@/lib/errors";
import { SIGN_IN_PATH } from "./cookie";
import { requireUser, type SessionUser } from "./index";

// The same checks as the API routes, for pages: no session → the sign-in page; staff on an
// admin page → the chat.

/** The signed-in user, or a redirect to the sign-in page (coming back to `next` afterwards). */
export async function requirePageUser(next?: string): Promise<SessionUser> {
  try {
    return await requireUser(await headers());
  } catch (err) {
    if (err instanceof AppError && err.code === "unauthorized") {
      redirect(next ? `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}` : SIGN_IN_PATH);
    }
    throw err;
  }
}

export async function requirePageAdmin(next?: string): Promise<SessionUser> {
  const user = await requirePageUser(next);
  if (user.role !== "admin") redirect("/");
  return user;
}
