// A local OpenID provider (oidc-provider 9) for scopeguard's integration tests.
//
// It issues JWT access tokens (RFC 9068, `typ: at+jwt`) with the
// client-credentials grant for the resource indicators (RFC 8707) it is told
// about, and publishes its metadata (`/.well-known/openid-configuration`)
// and keys (`/jwks`) like any identity provider.
//
//   node provider.mjs [PORT]
//
// | setting | meaning |
// | --- | --- |
// | PORT argument, or `OIDC_PORT` | port on 127.0.0.1; default 0 (any free port) |
// | `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET` | the client-credentials client (client_secret_basic or client_secret_post) |
// | `OIDC_RESOURCES` | resource indicators tokens can be asked for, separated by spaces or commas; default `http://127.0.0.1:8080` |
// | `OIDC_ACCESS_TOKEN_ALG` | the access tokens' JWS algorithm: RS256 (default), RS384, RS512, PS256, PS384, PS512, ES256, ES384 or EdDSA |
// | `OIDC_ACCESS_TOKEN_TTL` | access-token lifetime in seconds; default 300 |
// | `OIDC_EXIT_ON_STDIN_CLOSE` | when `1`, exit as soon as standard input closes (the parent process is gone) |
//
// The issuer is `http://127.0.0.1:PORT`. Once it accepts connections the
// provider prints `oidc-provider listening on http://127.0.0.1:PORT` on
// stdout. Signing keys are generated at start and live as long as the process.
// Every resource server defines the scopes of the conformance servers
// (SPEC §7); scopes a resource server does not define are left out of its
// tokens, as `oidc-provider` does for any resource server.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';

import Provider, { errors } from 'oidc-provider';

const SCOPES = [
  'order',
  'order:item',
  'order:shipping:address',
  'inventory',
  'inventory.write',
  'inventory:price',
  'inventory:price.write',
  'inventory:sales',
  'report:read',
  'admin',
  'admin:read',
  'audit:read',
  'admin:write',
  'user:write',
  'payment.write',
  'transaction-42',
  'https://www.examplecompany.com/private_catalog.readonly',
  'urn:examplecompany:product_price:update',
];

// Which key each algorithm signs with.
const KEY_FOR_ALG = {
  RS256: { type: 'rsa', options: { modulusLength: 2048 } },
  RS384: { type: 'rsa', options: { modulusLength: 2048 } },
  RS512: { type: 'rsa', options: { modulusLength: 2048 } },
  PS256: { type: 'rsa', options: { modulusLength: 2048 } },
  PS384: { type: 'rsa', options: { modulusLength: 2048 } },
  PS512: { type: 'rsa', options: { modulusLength: 2048 } },
  ES256: { type: 'ec', options: { namedCurve: 'P-256' } },
  ES384: { type: 'ec', options: { namedCurve: 'P-384' } },
  EdDSA: { type: 'ed25519', options: {} },
};

function fail(message) {
  console.error(`oidc-provider: ${message}`);
  process.exit(2);
}

function settings() {
  const port = Number(process.argv[2] ?? process.env.OIDC_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail('the port must be an integer from 0 to 65535');
  }
  const alg = process.env.OIDC_ACCESS_TOKEN_ALG || 'RS256';
  if (!Object.hasOwn(KEY_FOR_ALG, alg)) {
    fail(`unsupported OIDC_ACCESS_TOKEN_ALG ${alg}; use one of ${Object.keys(KEY_FOR_ALG).join(', ')}`);
  }
  const ttl = Number(process.env.OIDC_ACCESS_TOKEN_TTL || 300);
  if (!Number.isInteger(ttl) || ttl <= 0) {
    fail('OIDC_ACCESS_TOKEN_TTL must be a positive integer');
  }
  const resources = (process.env.OIDC_RESOURCES || 'http://127.0.0.1:8080')
    .split(/[\s,]+/)
    .filter(Boolean);
  return {
    port,
    alg,
    ttl,
    resources: new Set(resources),
    clientId: process.env.OIDC_CLIENT_ID || 'scopeguard-tests',
    clientSecret: process.env.OIDC_CLIENT_SECRET || 'scopeguard-tests-secret',
  };
}

// A private JWK for `alg`, with a `kid`, restricted to `alg` and signing.
function signingKey(alg) {
  const { type, options } = KEY_FOR_ALG[alg];
  const { privateKey } = generateKeyPairSync(type, options);
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: `${alg.toLowerCase()}-${randomBytes(6).toString('base64url')}`,
    alg,
    use: 'sig',
  };
}

const config = settings();

const keys = [signingKey(config.alg)];

const server = createServer();
server.listen(config.port, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: config.clientId,
        client_secret: config.clientSecret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys },
    // One key signs everything: ID tokens (never issued to this client) are
    // set to its algorithm too, so the client is valid whichever it is.
    enabledJWA: { idTokenSigningAlgValues: [config.alg] },
    clientDefaults: { id_token_signed_response_alg: config.alg },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // The client names the resource; none is chosen for it.
        defaultResource: async () => undefined,
        useGrantedResource: async () => false,
        async getResourceServerInfo(_ctx, resourceIndicator) {
          if (!config.resources.has(resourceIndicator)) {
            throw new errors.InvalidTarget('unknown resource indicator');
          }
          return {
            scope: SCOPES.join(' '),
            audience: resourceIndicator,
            accessTokenTTL: config.ttl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: config.alg } },
          };
        },
      },
    },
    ttl: {
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? config.ttl,
    },
    // Cookies serve interactive logins only, which this provider has none of.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
  });

  server.on('request', provider.callback());
  console.log(`oidc-provider listening on ${issuer}`);
});
server.on('error', (error) => fail(`cannot listen: ${error.message}`));

if (process.env.OIDC_EXIT_ON_STDIN_CLOSE === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
