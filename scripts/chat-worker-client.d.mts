// Types for scripts/chat-worker-client.mjs (plain Node, loaded by scripts/start.mjs without a build step).
import type { IncomingMessage, ServerResponse } from "node:http";

export interface WorkerRouteMatch {
  route: "stop" | "stream";
  chatId: string;
}

export interface ClientPort {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
}

/** The session of a request, from its raw headers: the user, null for none, undefined when the lookup failed. */
export type SessionLookup = (rawHeaders: readonly string[]) => Promise<unknown>;

export function matchWorkerRoute(method: string | undefined, url: string | undefined): WorkerRouteMatch | undefined;
export function readBody(
  req: IncomingMessage,
  limit: number,
  done: (body: Uint8Array, tooLarge: boolean) => void,
): void;

export class ChatWorkerClient {
  alive: boolean;
  constructor(port: ClientPort, bodyLimit: number, session?: SessionLookup);
  readonly openCount: number;
  post(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void;
  route(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, match: WorkerRouteMatch): void;
  forgetSessions(): void;
  forgetLimits(userId: string): void;
  receive(message: unknown): void;
  close(): void;
}

export function startChatWorker(
  workerFile: string,
  workerData: unknown,
  options?: { timeoutMs?: number; onExit?: () => void; session?: SessionLookup },
): Promise<ChatWorkerClient | undefined>;
