// CLI: `npm run simulator` starts the gateway simulator for demo mode, e2e tests and benchmarks.
import { createSimulator } from "./server";

const port = Number(process.env.SIMULATOR_PORT ?? 4010);
const host = process.env.SIMULATOR_HOST ?? "127.0.0.1";
const keys = (process.env.SIMULATOR_KEYS ?? "")
  .split(",")
  .map((k) => k.trim())
  .filter(Boolean);
const tokensPerSecond = Number(process.env.SIMULATOR_TOKENS_PER_SECOND ?? 60);
// Benchmarks turn per-request lines off; they would dominate the profile at 200 streams.
const log = process.env.SIMULATOR_LOG !== "0";

const sim = await createSimulator({
  port,
  host,
  keys,
  tokensPerSecond: Number.isFinite(tokensPerSecond) ? tokensPerSecond : 60,
  log,
});
console.log(`ByteSpike gateway simulator listening on ${sim.url} (OpenAI base URL ${sim.url}/v1)`);
console.log(
  `  keys: ${keys.length ? keys.join(", ") : "any non-empty key"} · ${tokensPerSecond} tokens/s · control API at ${sim.url}/__control`,
);

let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing simulator`);
  void sim.close().then(() => process.exit(0));
};
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
