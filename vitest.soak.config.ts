import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// `npm run test:soak`: the long hostile-input run (test/fuzz/*.soak.ts) against a real `next start`.
// Not part of `npm test` (its quick version is e2e/hostile.spec.ts).

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
    include: ["test/**/*.soak.ts"],
    exclude: ["node_modules/**", ".next/**"],
    fileParallelism: false,
    testTimeout: 6 * 3600_000,
    hookTimeout: 900_000,
  },
});
