import createNextIntlPlugin from "next-intl/plugin";

// No locale routing: next-intl reads the locale per request from the NEXT_LOCALE cookie. The message catalogs are
// compiled at build time (ICU syntax parsed once, by next-intl's catalog loader), so the browser gets the small
// formatter for compiled messages instead of the ICU parser.
const withNextIntl = createNextIntlPlugin({
  requestConfig: "./lib/i18n/request.ts",
  experimental: { messages: { path: "./messages", format: "json", locales: "infer", precompile: true } },
});

// Security headers on every response: pages, API routes, static assets, errors. The pages' own
// Content-Security-Policy carries a per-request nonce and is set in proxy.ts; API responses (JSON,
// streams, images, downloads) never run scripts, so theirs forbids everything. Static assets get none:
// a worker script's own response CSP would apply inside the worker and block its chunks.
const securityHeaders = [
  { key: "x-content-type-options", value: "nosniff" },
  { key: "referrer-policy", value: "strict-origin-when-cross-origin" },
  { key: "x-frame-options", value: "DENY" },
  { key: "permissions-policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  { key: "cross-origin-opener-policy", value: "same-origin" },
  { key: "cross-origin-resource-policy", value: "same-origin" },
];
const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  // Native addon: load it from node_modules at runtime instead of bundling it.
  serverExternalPackages: ["better-sqlite3"],
  turbopack: {
    resolveAlias: {
      // The `ai` package's index imports the Vercel AI Gateway provider (~15 kB gzip) for server-side model calls;
      // the browser never uses it (useChat goes through this app's /api/chat), so its browser build gets a module
      // that throws if it ever is.
      "@ai-sdk/gateway": { browser: "./lib/browser/ai-gateway.ts" },
    },
  },
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      { source: "/api/:path*", headers: [{ key: "content-security-policy", value: apiContentSecurityPolicy }] },
    ];
  },
};

export default withNextIntl(nextConfig);
