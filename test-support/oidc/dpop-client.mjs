// A DPoP client made of code nobody at scopeguard wrote: npm's `dpop`
// package makes the key pair and every proof, and the provider
// (`provider.mjs`, DPoP feature on) issues the DPoP-bound access token.
//
//   node dpop-client.mjs < request.json
//
// request.json: {"token_endpoint", "client_id", "client_secret", "scope",
// "resource", "requests": [{"method", "url", "nonce"?}]}. Prints one JSON line:
// {"access_token", "token_type", "proofs": [one per request]}.

import process from 'node:process';

import * as DPoP from 'dpop';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const input = JSON.parse(await readStdin());
const keypair = await DPoP.generateKeyPair('ES256');
const basic = Buffer.from(
  `${encodeURIComponent(input.client_id)}:${encodeURIComponent(input.client_secret)}`,
).toString('base64');

async function requestToken(nonce) {
  const proof = await DPoP.generateProof(keypair, input.token_endpoint, 'POST', nonce);
  return fetch(input.token_endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      dpop: proof,
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: input.scope,
      resource: input.resource,
    }),
  });
}

let response = await requestToken();
const nonce = response.headers.get('dpop-nonce');
if (response.status === 400 && nonce) {
  response = await requestToken(nonce);
}
const token = await response.json();
if (response.status !== 200) {
  console.error(`dpop-client: the token endpoint answered ${response.status}: ${JSON.stringify(token)}`);
  process.exit(2);
}
const proofs = [];
for (const { method, url, nonce: serverNonce } of input.requests) {
  proofs.push(await DPoP.generateProof(keypair, url, method, serverNonce ?? undefined, token.access_token));
}
console.log(JSON.stringify({ access_token: token.access_token, token_type: token.token_type, proofs }));
