// The gateway simulator as a child of the bench, on a free port, reporting it over IPC.
import { createSimulator } from "@/lib/simulator/server";

const sim = await createSimulator({
  port: 0,
  host: "127.0.0.1",
  keys: [process.env.BENCH_API_KEY ?? "sk-byts-bench-000000"],
  tokensPerSecond: Number(process.env.BENCH_TOKENS_PER_SECOND ?? 60),
  log: false,
});
process.send?.({ type: "ready", port: sim.port });
process.on("disconnect", () => void sim.close().then(() => process.exit(0)));
