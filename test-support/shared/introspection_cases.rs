//! SPEC §3.5 and §4 over HTTP for opaque tokens: the same cases run against
//! an axum app and an actix app built the same way, so both answer alike.
//!
//! Both apps serve, with realm `introspection`, two routes through the
//! scope middleware (`RequireScope`) behind the authentication middleware:
//! [`ROUTE`] requiring [`REQUIRED`], and [`STEP_UP_ROUTE`] requiring
//! [`STEP_UP_REQUIRED`] (a step-up `max_age`, SPEC §2.4), three times over,
//! under three prefixes:
//!
//! | prefix | validator of the authentication middleware |
//! | --- | --- |
//! | [`INTROSPECTED`] | [`Validators::introspection`], asking the loopback endpoint |
//! | [`DOWN`] | [`Validators::down`], asking an address where nothing listens |
//! | [`COMBINED`] | [`Validators::combined`]: HS256 JWTs locally, the rest by introspection |
//!
//! The handlers answer `items`. Needs `mod introspection_server;` beside it
//! (`test-support/shared/introspection_server.rs`).
#![allow(dead_code)]

use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use scopeguard_core::validation::introspection::{IntrospectionValidator, JwtOrIntrospection};
use scopeguard_core::validation::jwt::{Algorithm, JwtValidator};
use scopeguard_core::validation::keys::{KeySet, StaticKeys, VerificationKey};
use serde_json::json;

use crate::introspection_server::{
    AUDIENCE, ISSUER, IntrospectionServer, Reply, active, now, unused_addr, validator_builder,
};

/// The realm of both apps' challenges.
pub(crate) const REALM: &str = "introspection";
/// The route, under each prefix.
pub(crate) const ROUTE: &str = "/orders/{id}/items";
/// The prefix whose tokens are introspected at the loopback endpoint.
pub(crate) const INTROSPECTED: &str = "/introspected";
/// The prefix whose introspection endpoint is down.
pub(crate) const DOWN: &str = "/down";
/// The prefix behind [`JwtOrIntrospection`].
pub(crate) const COMBINED: &str = "/combined";
/// The scope [`ROUTE`] requires.
pub(crate) const REQUIRED: &str = "order:item";
/// The route with a step-up requirement, under each prefix.
pub(crate) const STEP_UP_ROUTE: &str = "/orders/{id}/refund";
/// What [`STEP_UP_ROUTE`] requires: a scope and an authentication at most
/// five minutes old.
pub(crate) const STEP_UP_REQUIRED: &str = "order, max_age = 300";
/// What the handler answers.
pub(crate) const HANDLER_BODY: &str = "items";
/// The `Retry-After` the validators are configured with, in seconds.
pub(crate) const RETRY_AFTER_SECS: u64 = 7;

const HMAC_SECRET: &[u8] = b"a shared secret of at least 32 bytes";

/// The validators of the three prefixes.
#[derive(Debug, Clone)]
pub(crate) struct Validators {
    /// Asks the loopback endpoint.
    pub(crate) introspection: IntrospectionValidator,
    /// Asks an address where nothing listens.
    pub(crate) down: IntrospectionValidator,
    /// JWTs locally, other tokens through a clone of `introspection`
    /// (sharing its cache).
    pub(crate) combined: JwtOrIntrospection<JwtValidator, IntrospectionValidator>,
}

/// Makes `server` answer the tokens of [`CASES`]; returns the validators.
pub(crate) async fn prepare(server: &IntrospectionServer) -> Validators {
    server.reply("active-order", active(json!({"scope": "order"})));
    server.reply("active-price", active(json!({"scope": "inventory:price"})));
    server.reply("inactive", Reply::json(r#"{"active": false}"#));
    server.reply("expired", active(json!({"exp": now() - 600})));
    server.reply(
        "recent-login",
        active(json!({"scope": "order", "auth_time": now() - 10})),
    );
    server.reply(
        "stale-login",
        active(json!({"scope": "order", "auth_time": now() - 3600})),
    );
    server.reply(
        "future-login",
        active(json!({"scope": "order", "auth_time": now() + 3600})),
    );
    server.reply(
        "other-issuer",
        active(json!({"scope": "order", "iss": "https://evil.example"})),
    );
    server.reply("endpoint-500", Reply::status(500));
    server.reply("not-json", Reply::json("<html>oops</html>"));
    let retry_after = Duration::from_secs(RETRY_AFTER_SECS);
    let introspection = server
        .builder()
        .retry_after(retry_after)
        .build()
        .expect("a valid configuration");
    let down = validator_builder(format!("http://{}/introspect", unused_addr().await))
        .retry_after(retry_after)
        .build()
        .expect("a valid configuration");
    let jwt = JwtValidator::builder()
        .issuer(
            ISSUER,
            StaticKeys::new(KeySet::new([VerificationKey::hmac_secret(HMAC_SECRET)])),
        )
        .audience(AUDIENCE)
        .algorithms([Algorithm::HS256])
        .build()
        .expect("a valid configuration");
    let combined = JwtOrIntrospection::new(jwt, introspection.clone());
    Validators {
        introspection,
        down,
        combined,
    }
}

/// The claims of the test JWTs: scope `order`, valid for ten minutes.
fn jwt_claims() -> serde_json::Value {
    json!({
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": now() + 600,
        "sub": "jwt-user",
        "scope": "order",
    })
}

/// An HS256 JWT with scope `order`, valid for ten minutes, minted once.
pub(crate) fn jwt() -> &'static str {
    static JWT: OnceLock<String> = OnceLock::new();
    JWT.get_or_init(|| {
        scopeguard_core::validation::jwt::install_crypto_provider();
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(Algorithm::HS256),
            &jwt_claims(),
            &jsonwebtoken::EncodingKey::from_secret(HMAC_SECRET),
        )
        .expect("a signed token")
    })
}

/// An HS256 JWT like [`jwt`], with `header` (JSON text) as its JOSE header,
/// correctly signed.
pub(crate) fn jwt_with_header(header: &str) -> String {
    scopeguard_core::validation::jwt::install_crypto_provider();
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(jwt_claims().to_string())
    );
    let signature = jsonwebtoken::crypto::sign(
        signing_input.as_bytes(),
        &jsonwebtoken::EncodingKey::from_secret(HMAC_SECRET),
        Algorithm::HS256,
    )
    .expect("a signed token");
    format!("{signing_input}.{signature}")
}

/// The bearer token a case sends.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Token {
    /// No `Authorization` header.
    None,
    /// An opaque token, as written.
    Opaque(&'static str),
    /// The [`jwt`].
    Jwt,
    /// A [`jwt_with_header`] with this header.
    JwtWithHeader(&'static str),
}

/// One request and the exact answer expected.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Case {
    /// What the case checks.
    pub(crate) name: &'static str,
    /// The request path.
    pub(crate) path: &'static str,
    /// The token sent.
    pub(crate) token: Token,
    /// The status expected.
    pub(crate) status: u16,
    /// The exact `WWW-Authenticate` expected, if any.
    pub(crate) challenge: Option<&'static str>,
    /// The exact `Retry-After` expected, if any.
    pub(crate) retry_after: Option<&'static str>,
    /// The exact body.
    pub(crate) body: &'static str,
}

impl Case {
    /// The `Authorization` value to send, if any.
    pub(crate) fn authorization(&self) -> Option<String> {
        match self.token {
            Token::None => None,
            Token::Opaque(token) => Some(format!("Bearer {token}")),
            Token::Jwt => Some(format!("Bearer {}", jwt())),
            Token::JwtWithHeader(header) => Some(format!("Bearer {}", jwt_with_header(header))),
        }
    }

    /// Whether the answer is a JSON error document (`Content-Type:
    /// application/json`) rather than the handler's text.
    pub(crate) fn is_error(&self) -> bool {
        self.status != 200
    }

    /// Asserts an answer is this case's: status, `WWW-Authenticate`,
    /// `Retry-After` and body exactly, and `Content-Type: application/json`
    /// for an error; each failure names the case.
    ///
    /// `answer` is the status, `WWW-Authenticate`, `Retry-After`,
    /// `Content-Type` and body of the answer (`Answer::parts` in the
    /// adapters' test support).
    pub(crate) fn assert_answer(
        &self,
        (status, challenge, retry_after, content_type, body): (
            u16,
            Option<&str>,
            Option<&str>,
            Option<&str>,
            &str,
        ),
    ) {
        assert_eq!(status, self.status, "{}: {body}", self.name);
        assert_eq!(challenge, self.challenge, "{}", self.name);
        assert_eq!(retry_after, self.retry_after, "{}", self.name);
        assert_eq!(body, self.body, "{}", self.name);
        if self.is_error() {
            assert_eq!(content_type, Some("application/json"), "{}", self.name);
        }
    }
}

const fn ok(name: &'static str, path: &'static str, token: Token) -> Case {
    Case {
        name,
        path,
        token,
        status: 200,
        challenge: None,
        retry_after: None,
        body: HANDLER_BODY,
    }
}

const fn denied(
    name: &'static str,
    path: &'static str,
    token: Token,
    status: u16,
    challenge: &'static str,
    body: &'static str,
) -> Case {
    Case {
        name,
        path,
        token,
        status,
        challenge: Some(challenge),
        retry_after: None,
        body,
    }
}

const fn unavailable(name: &'static str, path: &'static str, token: &'static str) -> Case {
    Case {
        name,
        path,
        token: Token::Opaque(token),
        status: 503,
        challenge: None,
        retry_after: Some("7"),
        body: UNAVAILABLE,
    }
}

const INTROSPECTED_PATH: &str = "/introspected/orders/1/items";
const DOWN_PATH: &str = "/down/orders/1/items";
const COMBINED_PATH: &str = "/combined/orders/1/items";
const STEP_UP_PATH: &str = "/introspected/orders/1/refund";

const INACTIVE_CHALLENGE: &str =
    r#"Bearer realm="introspection", error="invalid_token", error_description="the token is not active""#;
const INACTIVE: &str = r#"{"error":"invalid_token","error_description":"the token is not active"}"#;
const EXPIRED_CHALLENGE: &str =
    r#"Bearer realm="introspection", error="invalid_token", error_description="the token has expired""#;
const EXPIRED: &str = r#"{"error":"invalid_token","error_description":"the token has expired"}"#;
const SCOPE_CHALLENGE: &str = r#"Bearer realm="introspection", error="insufficient_scope", error_description="insufficient scope", scope="order:item""#;
const SCOPE: &str =
    r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"order:item"}"#;
const ISSUER_CHALLENGE: &str = r#"Bearer realm="introspection", error="invalid_token", error_description="the token's issuer is not accepted""#;
const WRONG_ISSUER: &str =
    r#"{"error":"invalid_token","error_description":"the token's issuer is not accepted"}"#;
const INVALID_CLAIM_CHALLENGE: &str = r#"Bearer realm="introspection", error="invalid_token", error_description="the token has a malformed claim""#;
const INVALID_CLAIM: &str =
    r#"{"error":"invalid_token","error_description":"the token has a malformed claim"}"#;
const MALFORMED_CHALLENGE: &str =
    r#"Bearer realm="introspection", error="invalid_token", error_description="the token is malformed""#;
const MALFORMED: &str = r#"{"error":"invalid_token","error_description":"the token is malformed"}"#;
const STEP_UP_CHALLENGE: &str = r#"Bearer realm="introspection", error="insufficient_user_authentication", error_description="the user must authenticate again", max_age="300""#;
const STEP_UP: &str =
    r#"{"error":"insufficient_user_authentication","error_description":"the user must authenticate again"}"#;
const MISSING: &str = r#"{"error":"missing_token","error_description":"no bearer token"}"#;
const UNAVAILABLE: &str = r#"{"error":"temporarily_unavailable","error_description":"token introspection is temporarily unavailable"}"#;

/// The cases, in the order they run (the cache makes order matter).
pub(crate) const CASES: &[Case] = &[
    ok(
        "active with the scope",
        INTROSPECTED_PATH,
        Token::Opaque("active-order"),
    ),
    ok(
        "active with the scope, from the cache",
        INTROSPECTED_PATH,
        Token::Opaque("active-order"),
    ),
    denied(
        "inactive",
        INTROSPECTED_PATH,
        Token::Opaque("inactive"),
        401,
        INACTIVE_CHALLENGE,
        INACTIVE,
    ),
    denied(
        "never issued",
        INTROSPECTED_PATH,
        Token::Opaque("unknown"),
        401,
        INACTIVE_CHALLENGE,
        INACTIVE,
    ),
    denied(
        "expired",
        INTROSPECTED_PATH,
        Token::Opaque("expired"),
        401,
        EXPIRED_CHALLENGE,
        EXPIRED,
    ),
    denied(
        "issued by another issuer",
        INTROSPECTED_PATH,
        Token::Opaque("other-issuer"),
        401,
        ISSUER_CHALLENGE,
        WRONG_ISSUER,
    ),
    denied(
        "authenticated in the future",
        INTROSPECTED_PATH,
        Token::Opaque("future-login"),
        401,
        INVALID_CLAIM_CHALLENGE,
        INVALID_CLAIM,
    ),
    ok(
        "step-up: authenticated recently",
        STEP_UP_PATH,
        Token::Opaque("recent-login"),
    ),
    denied(
        "step-up: authenticated an hour ago",
        STEP_UP_PATH,
        Token::Opaque("stale-login"),
        401,
        STEP_UP_CHALLENGE,
        STEP_UP,
    ),
    denied(
        "step-up: no authentication time",
        STEP_UP_PATH,
        Token::Opaque("active-order"),
        401,
        STEP_UP_CHALLENGE,
        STEP_UP,
    ),
    denied(
        "step-up: authenticated in the future",
        STEP_UP_PATH,
        Token::Opaque("future-login"),
        401,
        INVALID_CLAIM_CHALLENGE,
        INVALID_CLAIM,
    ),
    denied(
        "active without the scope",
        INTROSPECTED_PATH,
        Token::Opaque("active-price"),
        403,
        SCOPE_CHALLENGE,
        SCOPE,
    ),
    denied(
        "no credentials",
        INTROSPECTED_PATH,
        Token::None,
        401,
        r#"Bearer realm="introspection""#,
        MISSING,
    ),
    unavailable("endpoint answers 500", INTROSPECTED_PATH, "endpoint-500"),
    unavailable(
        "endpoint answers 500, not cached",
        INTROSPECTED_PATH,
        "endpoint-500",
    ),
    unavailable("endpoint answers no JSON", INTROSPECTED_PATH, "not-json"),
    unavailable("endpoint down", DOWN_PATH, "active-order"),
    ok("combined: a JWT, verified locally", COMBINED_PATH, Token::Jwt),
    ok(
        "combined: an opaque token, introspected",
        COMBINED_PATH,
        Token::Opaque("active-order"),
    ),
    denied(
        "combined: inactive",
        COMBINED_PATH,
        Token::Opaque("inactive"),
        401,
        INACTIVE_CHALLENGE,
        INACTIVE,
    ),
    denied(
        "combined: without the scope",
        COMBINED_PATH,
        Token::Opaque("active-price"),
        403,
        SCOPE_CHALLENGE,
        SCOPE,
    ),
    denied(
        "combined: a JWT whose kid is null",
        COMBINED_PATH,
        Token::JwtWithHeader(r#"{"alg":"HS256","kid":null}"#),
        401,
        MALFORMED_CHALLENGE,
        MALFORMED,
    ),
    denied(
        "combined: a JWT whose typ is null",
        COMBINED_PATH,
        Token::JwtWithHeader(r#"{"alg":"HS256","typ":null}"#),
        401,
        MALFORMED_CHALLENGE,
        MALFORMED,
    ),
];

/// After [`CASES`]: the endpoint calls each token caused. Accepted and
/// rejected answers are cached (and the combined validator shares the
/// cache); failures are not; JWTs never reach the endpoint.
pub(crate) fn assert_calls(server: &IntrospectionServer) {
    for (token, calls) in [
        ("active-order", 1),
        ("inactive", 1),
        ("unknown", 1),
        ("expired", 1),
        ("active-price", 1),
        ("other-issuer", 1),
        ("recent-login", 1),
        ("stale-login", 1),
        ("future-login", 1),
        ("endpoint-500", 2),
        ("not-json", 1),
        (jwt(), 0),
    ] {
        assert_eq!(server.calls(token), calls, "calls for {token}");
    }
}
