// Types for scripts/client-ip.mjs (plain Node, loaded by scripts/start.mjs without a build step).
import type { BlockList } from "node:net";

export function parseTrustedProxies(text: string | undefined): BlockList | undefined;
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: BlockList | undefined,
): string;
