import { toNextJsHandler } from "better-auth/next-js";
import { handleAuthRequest } from "@/lib/auth/handler";

// better-auth's endpoints under /api/auth (POST /api/auth/sign-in/email, GET /api/auth/get-session, …).

export const dynamic = "force-dynamic";

export const { GET, POST } = toNextJsHandler(handleAuthRequest);
