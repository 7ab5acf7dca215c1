// A local OpenID provider (oidc-provider 9) for scopeguard's integration tests.
//
// It issues JWT access tokens (RFC 9068, `typ: at+jwt`) with the
// client-credentials grant for the resource indicators (RFC 8707) it is told
// about (bound to the client's key, RFC 9449, when the token request carries
// a DPoP proof: see `dpop-client.mjs`), and publishes its metadata (`/.well-known/openid-configuration`)
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
// | `OIDC_OPAQUE_RESOURCES` | resource indicators whose access tokens are opaque, separated by spaces or commas; default none |
//
// Opaque tokens and RFC 9701: the client may introspect tokens
// (`/token/introspection`, RFC 7662) and, asking with `Accept:
// application/token-introspection+jwt`, gets the answer as a JWT signed with
// the provider's key (`features.jwtIntrospection`, the client's
// `introspection_signed_response_alg`), as a phantom-token gateway does.
//
// The issuer is `http://127.0.0.1:PORT`. Once it accepts connections the
// provider prints `oidc-provider listening on http://127.0.0.1:PORT` on
// stdout. Signing keys are the development-only test keys in `keys/` (never
// use them anywhere else), each with a fresh `kid` per process. They are read,
// not generated: Node 20 can deadlock when a garbage collection finalises a
// key-generation job while that key is being exported as a JWK.
// Every resource server defines the scopes of the conformance servers
// (SPEC §7); scopes a resource server does not define are left out of its
// tokens, as `oidc-provider` does for any resource server.
//
// Token exchange (RFC 8693, SPEC §3.8): the client may also use the
// token-exchange grant, downscoping only; see "Token exchange" below.

import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import process from 'node:process';

import Provider, { errors } from 'oidc-provider';
import { SignJWT, jwtVerify } from 'jose';

const SCOPES = [
  'order',
  'order:item',
  'order:shipping',
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
  // Percent-encoded path parameters: the decoded scopes, and the same spelled
  // encoded, which must grant nothing.
  'transaction-a+b',
  'transaction-a/b',
  'transaction-a%b',
  'transaction-a%2Bb',
  'transaction-a%2Fb',
  'transaction-a%25b',
  'https://www.examplecompany.com/private_catalog.readonly',
  'urn:examplecompany:product_price:update',
];

// Which test key (a PKCS #8 PEM file in `keys/`) each algorithm signs with.
const KEY_FOR_ALG = {
  RS256: 'rsa.pem',
  RS384: 'rsa.pem',
  RS512: 'rsa.pem',
  PS256: 'rsa.pem',
  PS384: 'rsa.pem',
  PS512: 'rsa.pem',
  ES256: 'p256.pem',
  ES384: 'p384.pem',
  EdDSA: 'ed25519.pem',
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
  // Opaque tokens, for introspection (RFC 7662, RFC 9701).
  const opaqueResources = (process.env.OIDC_OPAQUE_RESOURCES || '')
    .split(/[\s,]+/)
    .filter(Boolean);
  return {
    port,
    alg,
    ttl,
    resources: new Set([...resources, ...opaqueResources]),
    opaqueResources: new Set(opaqueResources),
    clientId: process.env.OIDC_CLIENT_ID || 'scopeguard-tests',
    clientSecret: process.env.OIDC_CLIENT_SECRET || 'scopeguard-tests-secret',
  };
}

// A private JWK for `alg`, with a `kid`, restricted to `alg` and signing.
function signingKey(alg) {
  const pem = readFileSync(new URL(`keys/${KEY_FOR_ALG[alg]}`, import.meta.url));
  return {
    ...createPrivateKey(pem).export({ format: 'jwk' }),
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
        grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        // Signed introspection answers (RFC 9701).
        introspection_signed_response_alg: config.alg,
      },
    ],
    jwks: { keys },
    // One key signs everything: ID tokens (never issued to this client) are
    // set to its algorithm too, so the client is valid whichever it is.
    enabledJWA: {
      idTokenSigningAlgValues: [config.alg],
      // Signed introspection answers (RFC 9701).
      introspectionSigningAlgValues: [config.alg],
    },
    clientDefaults: { id_token_signed_response_alg: config.alg },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // RFC 9449: a token request with a DPoP proof gets a DPoP-bound
      // access token (`cnf.jkt`); one without stays a bearer token.
      dPoP: { enabled: true },
      // Opaque tokens introspected, with signed answers (RFC 7662, RFC 9701).
      introspection: { enabled: true },
      jwtIntrospection: { enabled: true },
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
            accessTokenFormat: config.opaqueResources.has(resourceIndicator) ? 'opaque' : 'jwt',
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

  registerTokenExchange(provider, issuer);
  server.on('request', provider.callback());
  console.log(`oidc-provider listening on ${issuer}`);
});
server.on('error', (error) => fail(`cannot listen: ${error.message}`));

// ---------------------------------------------------------------------------
// Token exchange (RFC 8693, SPEC §3.8)
//
// The grant `urn:ietf:params:oauth:grant-type:token-exchange`, for the
// client above: `subject_token` must be an access token this provider
// issued (signature, issuer, `typ` at+jwt, not expired), with
// `subject_token_type` the access-token type. The new token keeps the
// subject's `sub`, `client_id` and `exp`; its scopes are the requested
// `scope`, each covered by one of the subject's scopes under SPEC §2.3
// (exact, or a segment-wise prefix at a level at least as high; opaque
// scopes exactly), else `invalid_scope`; without `scope`, the subject's.
// Its `aud` is the `audience` or `resource` parameter, which must be one of
// the configured resource indicators (`invalid_target` otherwise).
// ---------------------------------------------------------------------------

const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

// A scope's SPEC §2.3 shape: opaque, or a path and a level.
function scopeShape(scope) {
  if (scope.includes('://') || scope.startsWith('urn:')) {
    return { opaque: true };
  }
  const write = scope.endsWith('.write');
  const path = (write ? scope.slice(0, -'.write'.length) : scope).split(':');
  return { opaque: false, path, write, exactOnly: path.some((segment) => segment === '') };
}

// Whether the granted scope covers the required one (SPEC §2.3, rules 1-3).
function covers(granted, required) {
  if (granted === required) {
    return true;
  }
  const g = scopeShape(granted);
  const r = scopeShape(required);
  if (g.opaque || r.opaque || g.exactOnly || r.exactOnly) {
    return false;
  }
  return g.path.length <= r.path.length
    && g.path.every((segment, index) => segment === r.path[index])
    && (g.write || !r.write);
}

function registerTokenExchange(provider, issuer) {
  const privateKey = createPrivateKey(readFileSync(new URL(`keys/${KEY_FOR_ALG[config.alg]}`, import.meta.url)));
  const publicKey = createPublicKey(privateKey);
  const [{ kid }] = keys;

  async function tokenExchange(ctx) {
    const { params, client } = ctx.oidc;
    if (!params.subject_token || params.subject_token_type !== ACCESS_TOKEN_TYPE) {
      throw new errors.InvalidRequest('subject_token of type access_token required');
    }
    if (params.requested_token_type && ![ACCESS_TOKEN_TYPE, JWT_TOKEN_TYPE].includes(params.requested_token_type)) {
      throw new errors.InvalidRequest('unsupported requested_token_type');
    }
    let subject;
    try {
      ({ payload: subject } = await jwtVerify(params.subject_token, publicKey, {
        issuer,
        typ: 'at+jwt',
        algorithms: [config.alg],
      }));
    } catch {
      throw new errors.InvalidGrant();
    }
    const granted = (subject.scope || '').split(' ').filter(Boolean);
    const requested = params.scope === undefined ? granted : params.scope.split(' ').filter(Boolean);
    const uncovered = requested.filter((wanted) => !granted.some((scope) => covers(scope, wanted)));
    if (uncovered.length > 0) {
      throw new errors.InvalidScope('the subject token does not grant the requested scope', uncovered.join(' '));
    }
    const audience = params.audience || params.resource;
    if (!audience || !config.resources.has(audience)) {
      throw new errors.InvalidTarget('unknown audience or resource');
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: subject.sub,
      client_id: subject.client_id ?? client.clientId,
      scope: requested.join(' '),
      jti: randomBytes(16).toString('base64url'),
    };
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: config.alg, kid, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(subject.exp)
      .sign(privateKey);
    ctx.body = {
      access_token: accessToken,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: Math.max(subject.exp - now, 0),
      scope: claims.scope,
    };
  }

  provider.registerGrantType(TOKEN_EXCHANGE_GRANT, tokenExchange, [
    'subject_token',
    'subject_token_type',
    'requested_token_type',
    'scope',
    'audience',
    'resource',
  ]);
}

if (process.env.OIDC_EXIT_ON_STDIN_CLOSE === '1') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
