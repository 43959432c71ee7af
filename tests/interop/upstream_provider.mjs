// Upstream identity providers for the federation tests, on loopback:
//
// - startOidcProvider: npm's `oidc-provider` (a certified OpenID Provider)
//   with its development login and consent pages, one client for iamd,
//   and the accounts given (their claims as the upstream states them);
// - startRogueProvider: a provider that answers every authorization at
//   once and whose token endpoint hands back whatever ID token the test
//   makes (signed by its published key, by another key, for another
//   client, with another nonce), to show that iamd refuses each.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

// `keyClientId`, when given, is a second client that authenticates with
// private_key_jwt, its keys read from `keyClientJwksUri` (iamd's JWKS).
export async function startOidcProvider({ clientId, clientSecret, redirectUri, accounts,
  keyClientId, keyClientJwksUri }) {
  const server = createServer();
  await listen(server);
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret,
      redirect_uris: [redirectUri], grant_types: ['authorization_code'],
      response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
    ...(keyClientId ? [{ client_id: keyClientId, redirect_uris: [redirectUri],
      grant_types: ['authorization_code'], response_types: ['code'],
      token_endpoint_auth_method: 'private_key_jwt', jwks_uri: keyClientJwksUri,
      token_endpoint_auth_signing_alg: 'ES256' }] : [])],
    claims: { openid: ['sub'], email: ['email', 'email_verified'],
      profile: ['preferred_username', 'name', 'groups'] },
    // The scopes' claims in the ID token itself, as Entra ID and Keycloak do.
    conformIdTokenClaims: false,
    findAccount: (ctx, id) => {
      const claims = accounts[id];
      if (!claims) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...claims }) };
    },
    pkce: { required: () => true },
    // iamd's JWKS (private_key_jwt) is on loopback, which the provider's
    // own guard against requests to private addresses would refuse.
    fetch: (url, { dispatcher, ...options }) => globalThis.fetch(url, options),
    cookies: { keys: [randomBytes(32).toString('hex')] },
  });
  provider.proxy = false;
  server.on('request', provider.callback());
  return { issuer, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

export async function startRogueProvider({ clientId }) {
  const published = await jose.generateKeyPair('ES256');
  const other = await jose.generateKeyPair('ES256');
  const jwk = { ...(await jose.exportJWK(published.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const pending = new Map();  // code -> nonce
  let mode = 'good';
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, issuer);
    const json = (status, body) => res.writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify(body));
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, { issuer, authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/auth') {
      const code = randomBytes(16).toString('hex');
      pending.set(code, url.searchParams.get('nonce'));
      const back = new URL(url.searchParams.get('redirect_uri'));
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state'));
      return res.writeHead(302, { location: back.href }).end();
    }
    if (url.pathname === '/token') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const code = new URLSearchParams(body).get('code');
      const nonce = pending.get(code);
      pending.delete(code);
      if (nonce === undefined) return json(400, { error: 'invalid_grant' });
      const claims = { sub: 'rogue-1', preferred_username: 'rogue', email: 'rogue@example.com',
        email_verified: true, nonce: mode === 'nonce' ? 'another-nonce' : nonce };
      const idToken = await new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(mode === 'audience' ? 'another-client' : clientId)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(mode === 'forged' ? other.privateKey : published.privateKey);
      return json(200, { access_token: 'at', token_type: 'Bearer', id_token: idToken });
    }
    return json(404, {});
  });
  await listen(server);
  const issuer = `http://127.0.0.1:${server.address().port}`;
  return { issuer, setMode: (m) => { mode = m; },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}
