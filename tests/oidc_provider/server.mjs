// Local OpenID Connect provider for HarbourLink's tests.
//
// A real, certified OpenID Provider (panva/oidc-provider) configured for a
// single confidential client and plain-http loopback use. It is a TEST
// fixture only: dev interactions, throw-away keys, in-memory storage.
//
// Environment:
//   OIDC_PORT                        port to listen on (127.0.0.1), required
//   OIDC_CLIENT_ID                   client_id of the one registered client, required
//   OIDC_CLIENT_SECRET               its client_secret, required
//   OIDC_REDIRECT_URI                its redirect_uri; several may be given separated
//                                    by whitespace or commas, required
//   OIDC_POST_LOGOUT_REDIRECT_URI    optional post_logout_redirect_uris (same syntax)
//   OIDC_TOKEN_ENDPOINT_AUTH_METHOD  optional, default client_secret_basic
//                                    (client_secret_post also works)
//
// Prints `READY <issuer>` on stdout once listening.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import process from 'node:process';

import Provider from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`missing required environment variable ${name}`);
    process.exit(2);
  }
  return value;
}

function uriList(value) {
  return (value || '').split(/[\s,]+/).filter(Boolean);
}

const port = Number.parseInt(required('OIDC_PORT'), 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`invalid OIDC_PORT ${process.env.OIDC_PORT}`);
  process.exit(2);
}
const host = '127.0.0.1';
const issuer = `http://${host}:${port}`;

const client = {
  client_id: required('OIDC_CLIENT_ID'),
  client_secret: required('OIDC_CLIENT_SECRET'),
  redirect_uris: uriList(required('OIDC_REDIRECT_URI')),
  post_logout_redirect_uris: uriList(process.env.OIDC_POST_LOGOUT_REDIRECT_URI),
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: process.env.OIDC_TOKEN_ENDPOINT_AUTH_METHOD || 'client_secret_basic',
  id_token_signed_response_alg: 'RS256',
};

// Fresh signing key per run, so nothing secret lives in the repository.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', use: 'sig', alg: 'RS256' };

const SUPPORTED_SCOPES = ['openid', 'email', 'profile', 'offline_access'];
const SCOPE_CLAIMS = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name'],
};

function accountFor(login) {
  const email = login.includes('@') ? login : `${login}@example.hk`;
  return {
    accountId: login,
    async claims() {
      return {
        sub: login,
        email,
        email_verified: true,
        name: login,
      };
    },
  };
}

const configuration = {
  clients: [client],
  jwks: { keys: [signingKey] },
  cookies: {
    // Signing keys, random per run.
    keys: [randomBytes(32).toString('hex')],
    // Plain-http loopback: oidc-provider only marks cookies `Secure` when the
    // request is https, and browsers drop `SameSite=None` cookies that are not
    // `Secure`. oidc-provider 8.x defaults the long-lived session cookie to
    // SameSite=None, so force Lax (enough for top-level redirects) for both.
    long: { httpOnly: true, sameSite: 'lax' },
    short: { httpOnly: true, sameSite: 'lax' },
  },
  scopes: SUPPORTED_SCOPES,
  claims: SCOPE_CLAIMS,
  // Put the scope-granted claims (email, email_verified, name) into the
  // ID token too, not only in the userinfo response.
  conformIdTokenClaims: false,
  pkce: {
    // PKCE (S256) is accepted and verified when the client sends it, but not
    // required, so both PKCE and non-PKCE code flows work.
    required: () => false,
  },
  features: {
    devInteractions: { enabled: true },
    userinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    revocation: { enabled: true },
  },
  async findAccount(_ctx, id) {
    return accountFor(String(id));
  },
  // Skip the consent screen: the test client is first-party, so grant it
  // every scope/claim it asks for (limited to what the provider supports).
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    let grant;
    if (grantId) {
      grant = await oidc.provider.Grant.find(grantId);
    }
    if (!grant) {
      grant = new oidc.provider.Grant({
        clientId: oidc.client.clientId,
        accountId: oidc.session.accountId,
      });
    }
    const scopes = new Set(['openid', 'email', 'profile', ...oidc.requestParamOIDCScopes]);
    const claims = new Set(Object.values(SCOPE_CLAIMS).flat());
    for (const claim of oidc.requestParamClaims) claims.add(claim);
    grant.addOIDCScope([...scopes].join(' '));
    grant.addOIDCClaims([...claims]);
    await grant.save();
    return grant;
  },
  renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
};

const provider = new Provider(issuer, configuration);

provider.on('server_error', (_ctx, err) => {
  console.error('oidc-provider server_error:', err);
});

// Static clients are only validated when first used; validate now so a bad
// OIDC_REDIRECT_URI (etc.) fails at startup instead of at the first request.
try {
  if (!(await provider.Client.find(client.client_id))) throw new Error('client not registered');
} catch (err) {
  console.error(`invalid client configuration: ${err.error_description || err.message}`);
  process.exit(1);
}

const server = provider.listen(port, host, () => {
  process.stdout.write(`READY ${issuer}\n`);
});

server.on('error', (err) => {
  console.error('failed to listen:', err);
  process.exit(1);
});

function shutdown() {
  server.close(() => process.exit(0));
  // Do not wait for keep-alive connections to drain.
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
