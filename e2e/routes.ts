import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// Every page and route handler under app/, found on disk (page.tsx, route.ts), with the URL it
// answers and the HTTP methods it exports: the access specs walk all of them, so a new route is
// covered the day it is added.

export interface AppRoute {
  kind: "page" | "api";
  file: string;
  /** e.g. /api/conversations/[id]/export (route groups removed). */
  template: string;
  methods: string[];
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function exportedMethods(source: string): string[] {
  return METHODS.filter(
    (m) =>
      new RegExp(`export\\s+(async\\s+)?function\\s+${m}\\b`).test(source) ||
      new RegExp(`export\\s+const\\s+${m}\\b`).test(source) ||
      new RegExp(`export\\s+const\\s*\\{[^}]*\\b${m}\\b[^}]*\\}`).test(source),
  );
}

export function appRoutes(root = "app"): AppRoute[] {
  const files = readdirSync(root, { recursive: true, encoding: "utf8" })
    .map((f) => f.split(path.sep).join("/"))
    .filter((f) => /(^|\/)(page\.tsx|route\.ts)$/.test(f));
  return files
    .map((file) => {
      const segments = file
        .split("/")
        .slice(0, -1)
        .filter((s) => !/^\(.+\)$/.test(s));
      const template = `/${segments.join("/")}`;
      const isPage = file.endsWith("page.tsx");
      return {
        kind: isPage ? ("page" as const) : ("api" as const),
        file: `${root}/${file}`,
        template,
        methods: isPage ? ["GET"] : exportedMethods(readFileSync(`${root}/${file}`, "utf8")),
      };
    })
    .sort((a, b) => a.template.localeCompare(b.template));
}

/** The URL of a route with its dynamic segments filled in. */
export function fill(template: string, value: (param: string, template: string) => string): string {
  return template.replace(/\[(\.\.\.)?(\w+)\]/g, (_, _rest, name: string) => encodeURIComponent(value(name, template)));
}

/** Open to everyone: the sign-in page and better-auth's own endpoints. */
export const isPublic = (route: AppRoute) => route.template === "/sign-in" || route.template.startsWith("/api/auth/");
