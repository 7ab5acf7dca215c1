//! The development issuer's introspection endpoint (RFC 7662) and the
//! opaque tokens it knows. Asked with `Accept:
//! application/token-introspection+jwt`, it answers with a JWT signed by the
//! issuer's key (RFC 9701): `typ` `token-introspection+jwt`, `aud` the
//! client that asked, and the answer in `token_introspection`. This is what
//! a gateway turns an opaque token into (the phantom-token flow).
//!
//! One client may ask: [`GATEWAY_CLIENT_ID`] with
//! [`GATEWAY_CLIENT_SECRET`], in HTTP Basic (`client_secret_basic`).

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use scopeguard_core::test_util::TestIssuer;
use serde_json::{Value, json};

/// Where the issuer introspects tokens, under its URL.
pub const INTROSPECTION_PATH: &str = "/introspect";

/// The client id of the gateway at the development issuer.
pub const GATEWAY_CLIENT_ID: &str = "gateway";

/// The gateway's client secret at the development issuer: for development
/// only, like every key of this issuer.
pub const GATEWAY_CLIENT_SECRET: &str = "gateway-development-secret";

/// The media type of a signed answer (RFC 9701 §4).
const INTROSPECTION_JWT: &str = "application/token-introspection+jwt";

/// The opaque tokens the issuer has handed out, with what introspection
/// says about each. Cheap to clone; clones share the tokens.
#[derive(Debug, Clone, Default)]
pub struct OpaqueTokens {
    answers: Arc<Mutex<HashMap<String, Value>>>,
}

impl OpaqueTokens {
    /// A new opaque token for `sub` granting `scopes`, naming `issuer` and
    /// `audience`, valid for `lifetime`.
    pub fn mint(&self, issuer: &TestIssuer, sub: &str, scopes: &str, lifetime: Duration) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let random = || RandomState::new().build_hasher().finish();
        let token = format!("sg-opaque-{:016x}{:016x}", random(), random());
        let answer = json!({
            "active": true,
            "iss": issuer.issuer(),
            "aud": issuer.audience(),
            "sub": sub,
            "scope": scopes,
            "client_id": "demo-client",
            "token_type": "Bearer",
            "iat": now,
            "exp": now + lifetime.as_secs(),
        });
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(token.clone(), answer);
        token
    }

    fn answer(&self, token: &str) -> Value {
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .cloned()
            .unwrap_or_else(|| json!({"active": false}))
    }
}

#[derive(Clone)]
struct Endpoint {
    issuer: TestIssuer,
    tokens: OpaqueTokens,
}

/// The endpoint's route, for the issuer's router.
pub fn introspection_routes(issuer: TestIssuer, tokens: OpaqueTokens) -> Router {
    Router::new()
        .route(INTROSPECTION_PATH, post(introspect))
        .with_state(Endpoint { issuer, tokens })
}

async fn introspect(State(endpoint): State<Endpoint>, headers: HeaderMap, body: Bytes) -> Response {
    let authenticated = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded).ok())
        .is_some_and(|decoded| decoded == format!("{GATEWAY_CLIENT_ID}:{GATEWAY_CLIENT_SECRET}").as_bytes());
    if !authenticated {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let Some(token) = form_urlencoded::parse(&body)
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned())
    else {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_request"})),
        )
            .into_response();
    };
    let answer = endpoint.tokens.answer(&token);
    let wants_jwt = headers
        .get(ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains(INTROSPECTION_JWT));
    if !wants_jwt {
        return axum::Json(answer).into_response();
    }
    let jwt = endpoint
        .issuer
        .token()
        .header_typ("token-introspection+jwt")
        .audience(GATEWAY_CLIENT_ID)
        .without_claim("exp")
        .without_claim("sub")
        .without_claim("client_id")
        .claim("token_introspection", answer)
        .sign();
    ([(CONTENT_TYPE, INTROSPECTION_JWT)], jwt).into_response()
}
