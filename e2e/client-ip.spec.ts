import { E2E, expect, test } from "./fixtures";
import { startInstance, stopInstance, type Instance } from "./servers/instance";

// Sign-in attempts are limited per client IP. `npm start` decides the client's address itself
// (scripts/client-ip.mjs): X-Forwarded-For counts only as far as TRUSTED_PROXIES allow, so a client
// that talks to the server directly cannot get a fresh allowance by making up a new address.

const port = E2E.restartPort;
const base = `http://127.0.0.1:${port}`;
const LIMIT = 3;

test.use({ baseURL: base, storageState: { cookies: [], origins: [] } });
test.describe.configure({ timeout: 240_000 });

let instance: Instance | undefined;

test.afterEach(async () => {
  await stopInstance(instance);
  instance = undefined;
});

/** A wrong-password sign-in from `forwardedFor`, as a client would send it; its HTTP status. */
async function wrongSignIn(forwardedFor: string): Promise<number> {
  const res = await fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base, "x-forwarded-for": forwardedFor },
    body: JSON.stringify({ email: "nobody@e2e.example.com", password: "not-the-password" }),
  });
  return res.status;
}

test("a client the server talks to directly cannot dodge the sign-in limit with a made-up X-Forwarded-For", async () => {
  instance = await startInstance({ port, env: { TRUSTED_PROXIES: "", AUTH_SIGN_IN_PER_MINUTE: String(LIMIT) } });
  const statuses = [];
  for (let i = 0; i <= LIMIT; i++) statuses.push(await wrongSignIn(`198.51.100.${10 + i}`));
  expect(statuses).toEqual([401, 401, 401, 429]);
});

test("behind a trusted proxy, each client address has its own sign-in allowance", async () => {
  instance = await startInstance({
    port,
    env: { TRUSTED_PROXIES: "127.0.0.1", AUTH_SIGN_IN_PER_MINUTE: String(LIMIT) },
  });
  const spread = [];
  for (let i = 0; i <= LIMIT; i++) spread.push(await wrongSignIn(`198.51.100.${20 + i}`));
  expect(spread).toEqual([401, 401, 401, 401]);
  // One address is still limited, and a made-up first entry in front of the proxy's does not help it.
  const one = [];
  for (let i = 0; i <= LIMIT; i++) one.push(await wrongSignIn(`10.${i}.0.1, 203.0.113.50`));
  expect(one).toEqual([401, 401, 401, 429]);
});
