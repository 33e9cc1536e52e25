// A real OpenID Connect provider for the e2e single sign-on spec (the `oidc-provider` package, its
// development login and consent pages): `node e2e/servers/oidc.mjs <port> <redirect URI>`.
// Any login name signs in; the account's email is <login>@sso.example.com.
import Provider from "oidc-provider";

const [port, redirectUri] = process.argv.slice(2);
if (!port || !redirectUri) throw new Error("usage: oidc.mjs <port> <redirect URI>");
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "glm-chat-e2e",
      client_secret: "e2e-oidc-client-secret",
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  cookies: { keys: ["e2e-oidc-cookie-signing-key"] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      claims: () => ({ sub: id, email: `${id}@sso.example.com`, email_verified: true, name: `SSO ${id}` }),
    };
  },
});
// Behind no proxy, on plain http: fine for a test provider.
provider.listen(Number(port), "127.0.0.1", () => console.log(`oidc-provider at ${issuer}`));
