// Runs once when the server starts: validate the environment (a bad value stops the server with a
// message naming the variable), open and migrate the database (marking replies a previous run left
// unfinished as interrupted), seed the admin, and, in demo mode, start the built-in gateway simulator.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { serverEnv, keyFingerprint, EnvError } = await import("@/lib/env");
  let env;
  try {
    env = serverEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(`\n${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { startStorage } = await import("@/lib/startup");
  // A database that is down now is tried again by the first request that needs it.
  await startStorage().catch((err: unknown) => console.error("[glm-chat] storage did not start:", err));
  if (!env.demoMode) {
    console.log(`[glm-chat] gateway ${env.baseUrl} with key ${keyFingerprint(env.apiKey)}`);
    return;
  }
  const { startDemoSimulator } = await import("@/lib/simulator/demo");
  await startDemoSimulator(env.SIMULATOR_PORT, env.SIMULATOR_TOKENS_PER_SECOND);
}
