// A relying party for the browser tests: a small web app on loopback that
// uses `openid-client` for the whole protocol (PKCE, state, nonce, the code
// exchange, the ID token checks), as a web app would. /login starts the
// code flow (ui_locales and prompt passed on), /cb finishes it and shows
// who signed in, with the session id, amr and acr; /frame frames a page.
import { createServer } from 'node:http';
import * as client from 'openid-client';

const servers = [];

// Stops every app started here.
export function closeApps() {
  for (const s of servers.splice(0)) s.close();
}

export async function startApp(clientId) {
  const pending = new Map();
  let config;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, `http://127.0.0.1:${server.address().port}`);
    try {
      if (url.pathname === '/login') {
        const verifier = client.randomPKCECodeVerifier();
        const state = client.randomState();
        const nonce = client.randomNonce();
        pending.set(state, { verifier, nonce });
        const params = { redirect_uri: `${url.origin}/cb`, scope: 'openid profile', state, nonce,
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256' };
        for (const k of ['ui_locales', 'prompt', 'acr_values']) {
          if (url.searchParams.get(k)) params[k] = url.searchParams.get(k);
        }
        res.writeHead(302, { location: client.buildAuthorizationUrl(config, params).href }).end();
        return;
      }
      if (url.pathname === '/cb') {
        if (url.searchParams.get('error')) throw new Error(url.searchParams.get('error'));
        const p = pending.get(url.searchParams.get('state'));
        if (!p) throw new Error(url.searchParams.get('error') ?? 'unknown state');
        const tokens = await client.authorizationCodeGrant(config, url, {
          pkceCodeVerifier: p.verifier, expectedState: url.searchParams.get('state'),
          expectedNonce: p.nonce, idTokenExpected: true });
        const c = tokens.claims();
        res.writeHead(200, { 'content-type': 'text/html' })
          .end(`<p id="who">${c.preferred_username}</p><p id="sid">${c.sid}</p>` +
            `<p id="amr">${(c.amr ?? []).join(' ')}</p><p id="acr">${c.acr}</p>`);
        return;
      }
      if (url.pathname === '/frame') {
        res.writeHead(200, { 'content-type': 'text/html' })
          .end(`<iframe id="f" src="${url.searchParams.get('src')}"></iframe>`);
        return;
      }
      res.writeHead(404).end();
    } catch (e) {
      res.writeHead(400, { 'content-type': 'text/html' }).end(`<p id="error">${e.message}</p>`);
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { clientId, origin, server, setConfig: (c) => { config = c; } };
}

// Registers the app as a public client of the account and discovers the
// issuer with openid-client, as the app would at start.
export async function registerApp(app, { call, key, issuer }, extra = {}) {
  await call('CreateClient', { client_id: app.clientId, metadata: JSON.stringify({
    grant_types: ['authorization_code'], token_endpoint_auth_method: 'none',
    redirect_uris: [`${app.origin}/cb`], scope: 'openid profile', first_party: true,
    client_name: app.clientId, ...extra }) }, key);
  app.setConfig(await client.discovery(new URL(issuer), app.clientId,
    { id_token_signed_response_alg: 'ES256' }, client.None(),
    { execute: [client.allowInsecureRequests] }));
  return app;
}
