// A real OpenID Provider for the tests: panva's certified `oidc-provider`, with its built-in
// development login and consent pages (any password; the login names the account).
// Usage: node provider.mjs PORT   with OIDC_CLIENTS and OIDC_ACCOUNTS (JSON) in the environment.
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: JSON.parse(process.env.OIDC_CLIENTS || '[]'),
  pkce: { required: () => true }, // every client must use PKCE (S256)
  findAccount: async (ctx, id) => (accounts[id]
    ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) }
    : undefined),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: true } },
  // Name and email in the id token itself, as school IdPs (Entra ID, Google, Okta) send them.
  conformIdTokenClaims: false,
  cookies: { keys: ['tpcourse-test-provider-cookie-key'] },
});
provider.listen(port, '127.0.0.1', () => console.log('ready'));
