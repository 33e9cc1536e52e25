import { createSimulator } from "./server";

// Demo mode: the app runs against the simulator in its own process. If something already listens
// on the port (a simulator started by hand, say) the app simply uses that one.
export async function startDemoSimulator(port: number, tokensPerSecond: number): Promise<void> {
  try {
    const sim = await createSimulator({ port, tokensPerSecond });
    console.log(`[glm-chat] demo mode: no BYTESPIKE_API_KEY, using the built-in gateway simulator at ${sim.url}/v1`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      console.log(`[glm-chat] demo mode: port ${port} is taken; assuming a simulator already runs there`);
      return;
    }
    throw err;
  }
}
