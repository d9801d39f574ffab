// A hospital's own login server for the federation tests: oidc-provider (npm, panva/node-oidc-provider) on loopback,
// over plain HTTP or, with "tls" in the configuration, HTTPS, with one client (the platform's identity service) and a
// few static people.
//
// Configuration is one JSON document in HOSPITAL_IDP_CONFIG:
//   { "port": 41234, "issuer": "http://127.0.0.1:41234/",
//     "client": { "id": "...", "secret": "...", "redirectUris": ["http://127.0.0.1:5081/account/hospital/bv-cho-ray/callback"] },
//     "accounts": { "<subject>": { "name": "...", "licence": "...", "groups": ["..."], "email": "..." } },
//     "tls": { "cert": "/path/server.pem", "key": "/path/server-key.pem" } }     (optional; the issuer is then https)
// OIDC_PROVIDER_DIR is the installed oidc-provider package folder (./test.sh exports it).
//
// Signing in: GET /interaction/<uid> shows a form with one field, `login` (a subject from `accounts`); posting it
// signs that person in; posting `cancel` answers access_denied. Consent is given at once: the platform is the
// hospital's own first-party client.
//
// The hospital's directory changes while it runs: each line on standard input is a JSON document
// { "id": 1, "subject": "...", "person": { ...claims } } that replaces (or adds) that person; the server answers
// on standard output with "updated <id>" once the next sign-in sees the change.
import { createServer } from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import { createInterface } from 'node:readline';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(process.env.HOSPITAL_IDP_CONFIG ?? fail('HOSPITAL_IDP_CONFIG is not set'));
const packageDir = process.env.OIDC_PROVIDER_DIR ?? fail('OIDC_PROVIDER_DIR is not set');
const packageJson = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const { default: Provider } = await import(pathToFileURL(join(packageDir, packageJson.main ?? 'lib/index.js')).href);

const accounts = config.accounts;
// Every claim the people carry (licence, groups, e-mail...) is released with the profile scope.
const profileClaims = [...new Set(Object.values(accounts).flatMap((claims) => Object.keys(claims)))].filter((c) => c !== 'sub');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const provider = new Provider(config.issuer, {
  clients: [{
    client_id: config.client.id,
    client_secret: config.client.secret,
    redirect_uris: config.client.redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'hospital-signing', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], profile: profileClaims },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    if (!Object.hasOwn(accounts, sub)) return undefined;
    return { accountId: sub, claims: async () => ({ ...accounts[sub], sub }) };
  },
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));

const oidc = provider.callback();
const handle = async (req, res) => {
  const path = new URL(req.url, config.issuer).pathname;
  if (!/^\/interaction\/[^/]+$/.test(path)) return oidc(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'consent') return await consent(req, res, details);
    if (req.method !== 'POST') return page(res, 200, loginForm(path));
    const form = new URLSearchParams(await readBody(req));
    if (form.has('cancel')) {
      return await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person cancelled' },
        { mergeWithLastSubmission: false });
    }
    const login = form.get('login') ?? '';
    if (!Object.hasOwn(accounts, login)) return page(res, 400, loginForm(path, 'Không tìm thấy tài khoản / Unknown account'));
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  } catch (error) {
    console.error(error);
    page(res, 500, `<p>${escape(String(error))}</p>`);
  }
};
const server = config.tls
  ? createSecureServer({ cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) }, handle)
  : createServer(handle);

// The first-party platform gets what it asked for without a consent screen.
async function consent(req, res, { prompt: { details }, params, session, grantId }) {
  const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
}

function loginForm(action, error) {
  return `<h1>Bệnh viện – Đăng nhập</h1>${error ? `<p class="error">${escape(error)}</p>` : ''}
<form method="post" action="${escape(action)}"><label>Mã nhân viên <input name="login" autofocus></label><button type="submit">Đăng nhập</button>
<button type="submit" name="cancel" value="1">Hủy</button></form>`;
}

function page(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Hospital IdP</title></head><body>${body}</body></html>`);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function escape(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

// The test that started this process holds its stdin: when the test host goes away, so does the hospital.
const directory = createInterface({ input: process.stdin });
directory.on('line', (line) => {
  if (!line.trim()) return;
  const { id, subject, person } = JSON.parse(line);
  accounts[subject] = person;
  console.log(`updated ${id}`);
});
directory.on('close', () => process.exit(0));
// A port taken since the test chose it (EADDRINUSE) ends the process with the reason, rather than leaving the test waiting.
server.on('error', (error) => {
  console.error(`hospital login server cannot listen on ${config.port}: ${error.message}`);
  process.exit(3);
});
server.listen(config.port, '127.0.0.1', () => console.log(`hospital login server ready at ${config.issuer}`));
