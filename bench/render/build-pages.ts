// Bundles the comparison pages (esbuild, production React, minified, source maps) and their CSS: the app's own
// globals.css compiled by Tailwind exactly as the app's build does, plus KaTeX's CSS (imported by each page), plus —
// for Streamdown — the utility classes its components use (its docs ask for an @source on its dist).
import tailwind from "@tailwindcss/postcss";
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import postcss from "postcss";

const here = dirname(fileURLToPath(import.meta.url));

export const PAGES = ["react-markdown", "streamdown", "ours-renderer"] as const;
export type PageName = (typeof PAGES)[number];

/** The in-page probe as a self-contained IIFE for addInitScript. */
export async function buildProbe(): Promise<string> {
  const out = await build({
    entryPoints: [join(here, "probe.ts")],
    bundle: true,
    write: false,
    format: "iife",
    target: "chrome120",
    minify: false,
  });
  return out.outputFiles[0]!.text;
}

/**
 * Writes `<outDir>/<page>/index.html` + assets for each page. `@/` imports resolve into `appDir`, the same working
 * copy the app was built from, so shared pieces (the stick-to-bottom hook) are the app's own.
 */
export async function buildPages(outDir: string, appDir: string, repo: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  for (const page of PAGES) {
    const dir = join(outDir, page);
    mkdirSync(dir, { recursive: true });
    await build({
      entryPoints: { app: join(here, "pages", `${page}.tsx`) },
      bundle: true,
      splitting: true,
      format: "esm",
      outdir: dir,
      minify: true,
      sourcemap: "linked",
      target: "chrome120",
      jsx: "automatic",
      define: { "process.env.NODE_ENV": '"production"' },
      // next-intl's client hooks are use-intl's; outside Next the page provides use-intl's IntlProvider itself.
      alias: { "@": appDir, "next-intl": "use-intl" },
      nodePaths: [join(repo, "node_modules")],
      loader: { ".woff2": "file", ".woff": "file", ".ttf": "file" },
      assetNames: "assets/[name]-[hash]",
      chunkNames: "chunks/[name]-[hash]",
      logLevel: "warning",
    });
    const sources = [`@source "${join(here, "pages")}";`];
    if (page === "streamdown") sources.push(`@source "${join(repo, "node_modules/streamdown/dist")}";`);
    const input = `@import "${join(appDir, "app/globals.css")}";\n${sources.join("\n")}\n`;
    const from = join(dir, "input.css");
    const css = await postcss([tailwind({ base: appDir, optimize: true })]).process(input, { from });
    writeFileSync(join(dir, "base.css"), css.css);
    writeFileSync(
      join(dir, "index.html"),
      [
        "<!doctype html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        `<title>render bench · ${page}</title>`,
        '<link rel="stylesheet" href="base.css">',
        '<link rel="stylesheet" href="app.css">',
        "</head>",
        "<body>",
        '<div id="root"></div>',
        '<script type="module" src="app.js"></script>',
        "</body>",
        "</html>",
        "",
      ].join("\n"),
    );
  }
}
