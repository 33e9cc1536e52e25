// What the browser build gets for `@ai-sdk/gateway` (next.config.mjs aliases it for the browser condition only).
// The `ai` package's index imports the Vercel AI Gateway provider for server-side model calls (generateText and the
// like, with no provider given); the browser only runs useChat, its transport and the stream parser, which never
// touch it. This app reaches its models through its own server, so in the browser every use is a bug: it throws.

function unavailable(): never {
  throw new Error("@ai-sdk/gateway is not available in the browser build (see lib/browser/ai-gateway.ts)");
}

export class GatewayError extends Error {
  readonly isRetryable: boolean = false;
  /** No error in the browser comes from the gateway provider. */
  static isInstance(error: unknown): error is GatewayError {
    return error instanceof GatewayError;
  }
}

export class GatewayAuthenticationError extends GatewayError {}

export function createGateway(): never {
  return unavailable();
}

/** The default provider: any use of it throws. */
export const gateway: unknown = new Proxy(unavailable, {
  apply: unavailable,
  get: (_target, key) => (typeof key === "symbol" || key === "then" ? undefined : unavailable()),
});
