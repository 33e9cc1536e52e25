import { existsSync, readFileSync } from "node:fs";
import { E2E, appLogFile } from "../playwright.config";
import { describeFindings, scanText, type Secret } from "./log-scan";

// After every spec: the server log (stdout + stderr) of every app instance, captured for the whole
// run by e2e/servers/start-app.mjs, must not contain any secret the run gave the servers or typed
// into them. A failure here fails the run. The scan first proves on planted lines that it finds each
// secret, so an empty or broken list cannot pass quietly.

/** Passwords the specs type besides the fixtures' (admin.spec, sign-in.spec, sso.spec, isolation.spec). */
const SPEC_PASSWORDS = ["first-password-1", "second-password-2", "not-the-password", "any-password", "x-password"];

export function runSecrets(): Secret[] {
  const secrets: Secret[] = [
    { name: "gateway key", match: E2E.canaryKey },
    { name: "gateway key (without its prefix)", match: E2E.canaryKey.replace(/^sk-byts-/, "") },
    { name: "admin password", match: E2E.adminPassword },
    { name: "OIDC client secret", match: E2E.oidcClientSecret },
    { name: "BETTER_AUTH_SECRET", match: E2E.betterAuthSecret },
    // Every password e2e/auth.ts createAccount makes starts with this prefix.
    { name: "fixture password", match: new RegExp(`${E2E.fixturePasswordPrefix}[a-z0-9]+`) },
    ...SPEC_PASSWORDS.map((p) => ({ name: `spec password ${p.slice(0, 3)}…`, match: p })),
  ];
  const own = process.env.BETTER_AUTH_SECRET;
  if (own) secrets.push({ name: "BETTER_AUTH_SECRET (environment)", match: own });
  return secrets;
}

/** A sample of what each secret looks like in a log, to check the scan finds it. */
function sample(secret: Secret): string {
  return typeof secret.match === "string" ? secret.match : `${E2E.fixturePasswordPrefix}0a1b2c3d4e`;
}

export default async function globalTeardown(): Promise<void> {
  const secrets = runSecrets();
  for (const secret of secrets) {
    const planted = `2026-01-01 [api] sign-in body {"password":"${sample(secret)}"} done`;
    const found = scanText("self-test", planted, secrets).map((f) => f.secret);
    if (!found.includes(secret.name)) throw new Error(`log scan self-test: a planted ${secret.name} was not found`);
  }
  if (scanText("self-test", "[glm-chat] gateway … with key sk-byts…#1a2b3c4d", secrets).length > 0) {
    throw new Error("log scan self-test: the key's fingerprint was taken for the key");
  }

  const required = [E2E.appPort, E2E.demoPort, E2E.pgAppPort].map(appLogFile);
  const missing = required.filter((f) => !existsSync(f) || readFileSync(f, "utf8").trim() === "");
  if (missing.length > 0) throw new Error(`no server log was captured at ${missing.join(", ")}`);
  // The instances specs start themselves (e2e/servers/instance.ts), when the run included such a spec.
  const files = [...required, appLogFile(E2E.restartPort)].filter((f) => existsSync(f));
  const findings = files.flatMap((file) => scanText(file, readFileSync(file, "utf8"), secrets));
  if (findings.length > 0) {
    throw new Error(`secrets in the server logs (${findings.length}):\n${describeFindings(findings)}`);
  }
  console.log(`[e2e] server logs scanned for ${secrets.length} kinds of secret: none found (${files.join(", ")})`);
}
