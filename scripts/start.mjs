// `npm start`: build once if there is no production build yet, then serve it.
// PORT (default 3000) is honoured by `next start`.
import { spawnSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";

const next = "node_modules/.bin/next";
if (!existsSync(".next/BUILD_ID") || process.env.REBUILD === "1") {
  console.log("[glm-chat] building the app (first start only; REBUILD=1 forces a rebuild)…");
  const build = spawnSync(next, ["build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const server = spawn(next, ["start", "-p", process.env.PORT ?? "3000"], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
