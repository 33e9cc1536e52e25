import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^server-only$/, replacement: `${root}test/server-only-stub.ts` },
      { find: /^@\//, replacement: `${root}` },
    ],
  },
  test: {
    environment: "node",
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", "e2e/**", ".next/**", "bench/**"],
    testTimeout: 20_000,
    // Suites start a PostgreSQL cluster or a server in beforeAll: slow on a busy machine, not a failure.
    hookTimeout: 60_000,
  },
});
