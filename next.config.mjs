import createNextIntlPlugin from "next-intl/plugin";

// No locale routing: next-intl reads the locale per request from the NEXT_LOCALE cookie.
const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  // Native addon: load it from node_modules at runtime instead of bundling it.
  serverExternalPackages: ["better-sqlite3"],
};

export default withNextIntl(nextConfig);
