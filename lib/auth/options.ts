import "server-only";
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { admin } from "better-auth/plugins/admin";
import { genericOAuth } from "better-auth/plugins/generic-oauth";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { adminExists, claimFirstAdmin } from "@/lib/db/queries/accounts";
import type { ServerEnv } from "@/lib/env";
import { AUTH_COOKIE_PREFIX } from "./cookie";
import { forgetSessions } from "./session-cache";

// better-auth, configured once: email and password for staff accounts created by an admin (no open
// sign-up, except that the very first account of a fresh install signs up and becomes the admin),
// the admin plugin (create, ban, reset password), optional OIDC single sign-on, sessions of 7 days.

export type AuthConfig = Pick<ServerEnv, "BETTER_AUTH_URL" | "AUTH_SIGN_IN_PER_MINUTE" | "oidc">;

export interface AuthDeps {
  db: Db;
  config: AuthConfig;
  secret: string;
}

/**
 * The OIDC single sign-on's provider id: sign in with POST /api/auth/sign-in/social
 * { provider: "oidc" }; register /api/auth/callback/oidc as the redirect URI at the identity provider.
 */
export const OIDC_PROVIDER_ID = "oidc";
export const ADMIN_ROLE = "admin";
export const STAFF_ROLE = "user";
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

const signUpBody = z.object({
  email: z.email(),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(MAX_PASSWORD_LENGTH),
});

/** Sign-up is closed once an admin exists; before that, exactly one sign-up wins the claim. */
function firstAdminGate(db: Db) {
  return createAuthMiddleware(async (ctx) => {
    if (ctx.path !== "/sign-up/email") return;
    const closed = () =>
      new APIError("FORBIDDEN", {
        code: "SIGN_UP_CLOSED",
        message: "Sign-up is closed. Ask an administrator for an account.",
      });
    if (await adminExists(db)) throw closed();
    // Leave malformed bodies to the endpoint's own validation, without spending the claim.
    const body = signUpBody.safeParse(ctx.body);
    if (!body.success) return;
    if (!(await claimFirstAdmin(db, body.data.email.toLowerCase()))) throw closed();
  });
}

export function authOptions({ db, config, secret }: AuthDeps) {
  const baseURL = config.BETTER_AUTH_URL;
  const oidc = config.oidc;
  return {
    appName: "GLM Chat",
    basePath: "/api/auth",
    // Unset: taken from each request's own origin (and only that origin is trusted).
    ...(baseURL ? { baseURL, trustedOrigins: [baseURL] } : {}),
    secret,
    database: { db: db.kysely as unknown as Kysely<never>, type: db.dialect, transaction: true },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      autoSignIn: true,
    },
    session: { expiresIn: 7 * 24 * 60 * 60, updateAge: 24 * 60 * 60 },
    // Stored in the database so that every instance counts the same attempts.
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 300,
      customRules: {
        "/sign-in/email": { window: 60, max: config.AUTH_SIGN_IN_PER_MINUTE },
        "/sign-up/email": { window: 60, max: 5 },
        // The browser asks for its session on every page; many staff may share one office IP.
        "/get-session": false,
      },
    },
    advanced: {
      cookiePrefix: AUTH_COOKIE_PREFIX,
      // better-auth skips the Origin check when NODE_ENV=test; the tests should see what production does.
      disableOriginCheck: false,
      // With BETTER_AUTH_URL the scheme decides; without it, the handler adds Secure per https request.
      useSecureCookies: baseURL?.startsWith("https://") ?? false,
    },
    account: {
      accountLinking: { enabled: true, trustedProviders: oidc ? [OIDC_PROVIDER_ID] : [] },
    },
    telemetry: { enabled: false },
    hooks: {
      before: firstAdminGate(db),
      // requireUser remembers sessions for a few seconds: any change (sign-in/out, ban, password, revoke) forgets them.
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/get-session") forgetSessions();
      }),
    },
    databaseHooks: {
      user: {
        create: {
          // Only the sign-up that won the first-admin claim reaches this path (see firstAdminGate).
          before: async (user, ctx) =>
            ctx?.path === "/sign-up/email" ? { data: { ...user, role: ADMIN_ROLE } } : undefined,
        },
      },
    },
    plugins: [
      admin({ defaultRole: STAFF_ROLE, adminRoles: [ADMIN_ROLE] }),
      // SSO users are created on their first sign-in, as staff.
      ...(oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: OIDC_PROVIDER_ID,
                  name: oidc.name,
                  discoveryUrl: `${oidc.issuer}/.well-known/openid-configuration`,
                  clientId: oidc.clientId,
                  ...(oidc.clientSecret ? { clientSecret: oidc.clientSecret } : {}),
                  scopes: ["openid", "email", "profile"],
                  pkce: true,
                },
              ],
            }),
          ]
        : []),
    ],
  } satisfies BetterAuthOptions;
}

export function createAuth(deps: AuthDeps) {
  return betterAuth(authOptions(deps));
}

export type Auth = ReturnType<typeof createAuth>;
