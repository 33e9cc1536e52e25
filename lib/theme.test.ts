import { describe, expect, it } from "vitest";
import { isDark, isTheme, nextTheme, THEME_SCRIPT, THEME_STORAGE_KEY } from "./theme";

describe("theme", () => {
  it("cycles system → light → dark → system", () => {
    expect(nextTheme("system")).toBe("light");
    expect(nextTheme("light")).toBe("dark");
    expect(nextTheme("dark")).toBe("system");
  });

  it("follows the system only in system mode", () => {
    expect(isDark("system", true)).toBe(true);
    expect(isDark("system", false)).toBe(false);
    expect(isDark("light", true)).toBe(false);
    expect(isDark("dark", false)).toBe(true);
  });

  it("accepts only known themes from storage", () => {
    expect(isTheme("dark")).toBe(true);
    expect(isTheme("blue")).toBe(false);
    expect(isTheme(null)).toBe(false);
  });

  it("applies the stored theme before first paint, and survives storage errors", () => {
    const run = (stored: string | null, systemDark: boolean, throws = false) => {
      const classes = new Set<string>();
      const localStorage = {
        getItem: (key: string) => {
          if (throws) throw new Error("denied");
          return key === THEME_STORAGE_KEY ? stored : null;
        },
      };
      const document = {
        documentElement: {
          classList: { toggle: (name: string, on: boolean) => (on ? classes.add(name) : classes.delete(name)) },
        },
      };
      const window = { matchMedia: () => ({ matches: systemDark }) };
      new Function("localStorage", "document", "window", THEME_SCRIPT)(localStorage, document, window);
      return classes.has("dark");
    };
    expect(run("dark", false)).toBe(true);
    expect(run("light", true)).toBe(false);
    expect(run(null, true)).toBe(true);
    expect(run("system", false)).toBe(false);
    expect(run("dark", true, true)).toBe(false);
  });
});
