// A tiny static server for the benchmark: the esbuild output, the library's own file (for its worker's
// importScripts) and the photo, from memory. Loopback only.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".jpg": "image/jpeg",
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `extra` files are served from memory; those named in `cached` with the long-lived caching headers a CDN
 * sends for a versioned URL (jsDelivr: a year), as a real app would serve a library, the rest `no-store`.
 */
export async function serve(
  root: string,
  extra: Record<string, Buffer>,
  cached: ReadonlySet<string> = new Set(),
): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]!);
    const body = extra[path] ?? read(root, path === "/" ? "/index.html" : path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(path)] ?? (path === "/" ? TYPES[".html"]! : "application/octet-stream"),
      "cache-control": cached.has(path) ? "public, max-age=31536000, immutable" : "no-store",
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function read(root: string, path: string): Buffer | undefined {
  const file = normalize(join(root, path));
  if (!file.startsWith(root)) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
