//! An axum application protected by scopeguard, in a dependency graph that
//! enables both of jsonwebtoken's crypto backends while scopeguard's own
//! features name one of them: the situation of an application where another
//! crate turns on the other backend.
//!
//! jsonwebtoken picks its process-wide crypto provider from its features
//! only when exactly one is on; with both, the first signature it checks
//! fails unless a provider was installed. These helpers never install one:
//! every test file is a process of its own, so each starts as a fresh
//! application would.

#[cfg(not(any(feature = "scopeguard-aws-lc-rs", feature = "scopeguard-rust-crypto")))]
compile_error!("choose a scenario: `scopeguard-aws-lc-rs` (the default) or `scopeguard-rust-crypto`");
#[cfg(all(feature = "scopeguard-aws-lc-rs", feature = "scopeguard-rust-crypto"))]
compile_error!("choose one scenario at a time: `scopeguard-aws-lc-rs` or `scopeguard-rust-crypto`");

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{Request, StatusCode, header};
use jsonwebtoken::crypto::CryptoProvider;
use jsonwebtoken::{Algorithm, EncodingKey};
use scopeguard_axum::core::TokenValidator;
use scopeguard_axum::core::validation::keys::{KeySet, StaticKeys, VerificationKey};
use scopeguard_axum::{AuthLayer, JwtValidator, Principal};
use tower::ServiceExt as _;

/// The issuer of the tokens the application accepts.
pub const ISSUER: &str = "https://issuer.example";
/// The application's audience.
pub const AUDIENCE: &str = "orders-api";

const ED25519_PRIVATE: &[u8] = include_bytes!("../../../scopeguard-core/tests/keys/ed25519_private.pem");
const ED25519_PUBLIC: &[u8] = include_bytes!("../../../scopeguard-core/tests/keys/ed25519_public.pem");
const P256_PRIVATE: &[u8] = include_bytes!("../../../scopeguard-core/tests/keys/ec_p256_private.pem");

/// One of jsonwebtoken's two crypto backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `aws_lc_rs`.
    AwsLcRs,
    /// `rust_crypto`.
    RustCrypto,
}

impl Backend {
    /// jsonwebtoken's provider for this backend.
    pub fn provider(self) -> &'static CryptoProvider {
        match self {
            Self::AwsLcRs => &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER,
            Self::RustCrypto => &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER,
        }
    }
}

/// The backend scopeguard's features name.
#[cfg(feature = "scopeguard-aws-lc-rs")]
pub const SCOPEGUARD_BACKEND: Backend = Backend::AwsLcRs;
/// The backend scopeguard's features name.
#[cfg(feature = "scopeguard-rust-crypto")]
pub const SCOPEGUARD_BACKEND: Backend = Backend::RustCrypto;

/// The backend the application's other crate enabled: the one scopeguard's
/// features do not name.
#[cfg(feature = "scopeguard-aws-lc-rs")]
pub const OTHER_BACKEND: Backend = Backend::RustCrypto;
/// The backend the application's other crate enabled: the one scopeguard's
/// features do not name.
#[cfg(feature = "scopeguard-rust-crypto")]
pub const OTHER_BACKEND: Backend = Backend::AwsLcRs;

/// The backend of jsonwebtoken's process-wide provider, told by what it
/// does: the RustCrypto crates sign ECDSA deterministically (RFC 6979),
/// aws-lc-rs with a random nonce, so two ES256 signatures of one message
/// are equal with the first and differ with the second.
///
/// It signs through the process-wide provider: call it once one is
/// installed.
pub fn process_backend() -> Backend {
    let key = EncodingKey::from_ec_pem(P256_PRIVATE).expect("the P-256 test key");
    let header = jsonwebtoken::Header::new(Algorithm::ES256);
    let sign =
        || jsonwebtoken::encode(&header, &serde_json::json!({"sub": "probe"}), &key).expect("a signature");
    if sign() == sign() {
        Backend::RustCrypto
    } else {
        Backend::AwsLcRs
    }
}

/// A validator for [`ISSUER`] and [`AUDIENCE`] with the Ed25519 test key,
/// made by the builder.
pub fn validator() -> JwtValidator {
    let key = VerificationKey::ed_pem(ED25519_PUBLIC).expect("the Ed25519 test key");
    JwtValidator::builder()
        .issuer(ISSUER, StaticKeys::new(KeySet::new([key])))
        .audience(AUDIENCE)
        .build()
        .expect("a valid configuration")
}

/// The application: `GET /me` answers the caller's `sub`, behind the
/// authentication layer.
pub fn app<V: TokenValidator>(validator: V) -> Router {
    Router::new()
        .route(
            "/me",
            get(|principal: Principal| async move { principal.sub().unwrap_or_default().to_owned() }),
        )
        .layer(AuthLayer::new(validator))
}

/// What the application answered: the status, the `WWW-Authenticate`
/// challenge if any, and the body.
#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The `WWW-Authenticate` header.
    pub challenge: Option<String>,
    /// The body.
    pub body: String,
}

/// `GET /me` with `token`.
pub async fn get_me(app: Router, token: &str) -> Answer {
    let request = Request::get("/me")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("a valid request");
    let response = app.oneshot(request).await.expect("the router is infallible");
    let status = response.status();
    let challenge = response
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .expect("a small body");
    Answer {
        status,
        challenge,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Asserts that `answer` refuses the token as invalid (RFC 6750 §3.1).
pub fn assert_invalid_token(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{answer:?}");
    let challenge = answer.challenge.as_deref().unwrap_or_default();
    assert!(challenge.contains(r#"error="invalid_token""#), "{answer:?}");
}

/// Asserts that `answer` is the 200 of `GET /me` for `sub`.
pub fn assert_ok_for(answer: &Answer, sub: &str) {
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (StatusCode::OK, sub),
        "{answer:?}"
    );
}

/// An EdDSA access token for `sub` from [`ISSUER`] to [`AUDIENCE`], valid
/// for five minutes, signed with the other backend named explicitly: the
/// process-wide provider is neither used nor installed.
pub fn token(sub: &str) -> String {
    let exp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs()
        + 300;
    let header = serde_json::json!({"alg": "EdDSA", "typ": "at+jwt"});
    let claims = serde_json::json!({"iss": ISSUER, "aud": AUDIENCE, "exp": exp, "sub": sub});
    let signing_input = format!("{}.{}", encode_part(&header), encode_part(&claims));
    let key = EncodingKey::from_ed_pem(ED25519_PRIVATE).expect("the Ed25519 test key");
    let signer =
        (OTHER_BACKEND.provider().signer_factory)(&Algorithm::EdDSA, &key).expect("an Ed25519 signer");
    let signature = signer.try_sign(signing_input.as_bytes()).expect("a signature");
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// `token` with its payload replaced by one naming another `sub`, the
/// signature kept: a forgery only the signature check can catch.
pub fn forged(token: &str, sub: &str) -> String {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("a compact JWS");
    };
    let payload = URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    let mut claims: serde_json::Value = serde_json::from_slice(&payload).expect("a JSON payload");
    claims["sub"] = serde_json::Value::from(sub);
    format!("{header}.{}.{signature}", encode_part(&claims))
}

fn encode_part(value: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}
