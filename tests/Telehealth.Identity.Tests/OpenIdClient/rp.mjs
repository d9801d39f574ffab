// A relying party built on npm's openid-client (the reference OpenID Connect client for Node), driven step by step
// by OpenIdClientTests.cs. Each command prints one JSON object on stdout.
//   node rp.mjs client-credentials <issuer> <client> <secret> <scope>
//   node rp.mjs authorize <issuer> <client> <secret|-> <redirect> <scope>   -> { url, verifier, state }
//   node rp.mjs redeem <issuer> <client> <secret|-> <callback-url> <verifier> <state>
//   node rp.mjs refresh <issuer> <client> <secret|-> <refresh-token>
import * as client from 'openid-client';

const [command, issuer, clientId, secret, ...rest] = process.argv.slice(2);
const auth = secret && secret !== '-' ? client.ClientSecretBasic(secret) : client.None();
// Plain HTTP on loopback in tests; everything else (issuer match, PKCE, iss on the response) as in production.
const config = await client.discovery(new URL(issuer), clientId, undefined, auth, { execute: [client.allowInsecureRequests] });

const tokens = (response) => ({ ...response, claims: response.id_token ? response.claims() : undefined });
let result;
switch (command) {
  case 'client-credentials':
    result = await client.clientCredentialsGrant(config, { scope: rest[0] });
    break;
  case 'authorize': {
    const [redirect, scope] = rest;
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirect, scope, state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    result = { url: url.href, verifier, state };
    break;
  }
  case 'redeem': {
    const [callback, verifier, state] = rest;
    result = tokens(await client.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state }));
    break;
  }
  case 'refresh':
    result = tokens(await client.refreshTokenGrant(config, rest[0]));
    break;
  default:
    throw new Error(`unknown command ${command}`);
}
process.stdout.write(JSON.stringify(result));
