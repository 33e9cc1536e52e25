import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAuth, type Auth, type AuthConfig } from "@/lib/auth/options";
import { prepareDatabase, type Db } from "@/lib/db";
import type { DatabaseTarget } from "@/lib/env";
import { pgCluster } from "./pg-cluster";

// Fresh, migrated databases for tests, one per suite: a temp SQLite file or a new database in the
// file's PostgreSQL test cluster. The same suites run against both.

export type TestDialect = "sqlite" | "postgres";
export const DIALECTS: TestDialect[] = ["sqlite", "postgres"];

export const TEST_AUTH_SECRET = "test-secret-0123456789-0123456789-0123456789";

export interface TestDatabase {
  db: Db;
  auth: Auth;
  config: AuthConfig;
  target: DatabaseTarget;
  cleanup(): Promise<void>;
}

export async function testTarget(dialect: TestDialect): Promise<{ target: DatabaseTarget; remove(): void }> {
  if (dialect === "postgres") {
    const url = await (await pgCluster()).createDatabase();
    return { target: { kind: "postgres", url }, remove: () => {} };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "glm-chat-db-"));
  return { target: { kind: "sqlite", path: path.join(dir, "app.db") }, remove: () => rmSync(dir, { recursive: true }) };
}

export async function openTestDatabase(dialect: TestDialect, config: Partial<AuthConfig> = {}): Promise<TestDatabase> {
  const { target, remove } = await testTarget(dialect);
  const fullConfig: AuthConfig = {
    BETTER_AUTH_URL: "http://localhost:3000",
    AUTH_SIGN_IN_PER_MINUTE: 10,
    oidc: undefined,
    ...config,
  };
  const db = await prepareDatabase({ database: target, ...fullConfig });
  const auth = createAuth({ db, config: fullConfig, secret: TEST_AUTH_SECRET });
  return {
    db,
    auth,
    config: fullConfig,
    target,
    async cleanup() {
      await db.close();
      remove();
    },
  };
}

/** A staff account created the way an admin would (no password: no hashing, fast). */
export async function createTestUser(
  t: Pick<TestDatabase, "auth">,
  email: string,
  options: { password?: string; role?: "admin" | "user" } = {},
): Promise<string> {
  const { user } = await t.auth.api.createUser({
    body: {
      email,
      name: email.split("@")[0] ?? email,
      ...(options.password ? { password: options.password } : {}),
      ...(options.role ? { role: options.role } : {}),
    },
  });
  return user.id;
}

/** A fresh database with two staff accounts, for suites that check one user cannot reach the other's data. */
export async function openTwoUserDatabase(
  dialect: TestDialect,
): Promise<{ t: TestDatabase; alice: string; bob: string }> {
  const t = await openTestDatabase(dialect);
  return {
    t,
    alice: await createTestUser(t, "alice@example.com"),
    bob: await createTestUser(t, "bob@example.com"),
  };
}
