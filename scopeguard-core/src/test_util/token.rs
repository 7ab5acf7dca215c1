//! Minting one access token.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Header;
use serde_json::{Map, Value};

use super::TestIssuer;
use crate::validation::principal::unix_now;

/// How long a token is valid by default: five minutes.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// The `sub` of a token unless set: `user`.
pub const DEFAULT_SUBJECT: &str = "user";

/// The `client_id` of a token unless set: `test-client`.
pub const DEFAULT_CLIENT_ID: &str = "test-client";

/// How long ago an [`expired`](TokenBuilder::expired) token expired: an
/// hour, beyond any reasonable clock leeway.
const EXPIRED_AGO: u64 = 3600;

/// An access token being minted by a [`TestIssuer`].
///
/// By default the token is what RFC 9068 asks of an access token: header
/// `typ` `at+jwt` and the issuer's `kid`; claims `iss` and `aud` of the
/// issuer, `sub` [`DEFAULT_SUBJECT`], `client_id` [`DEFAULT_CLIENT_ID`],
/// `iat` now, `exp` in [`DEFAULT_TOKEN_LIFETIME`], and a random `jti`. It
/// grants no scope until [`scopes`](Self::scopes) is called.
///
/// Each setter replaces the claim or header parameter it names, so a later
/// call wins. Nothing is checked: a token may be minted wrong on purpose, to
/// test that it is refused.
///
/// ```
/// use std::time::Duration;
///
/// use scopeguard_core::test_util::TestIssuer;
/// use serde_json::json;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let issuer = TestIssuer::new();
/// let token = issuer
///     .token()
///     .sub("alice")
///     .client_id("web")
///     .scopes("order payment.write")
///     .claim("tenant", json!("acme"))
///     .authenticated_ago(Duration::from_secs(60))
///     .acr("phr")
///     .expires_in(Duration::from_secs(600))
///     .sign();
///
/// let principal = issuer.validator().validate(&token).await?;
/// assert_eq!(principal.client_id(), Some("web"));
/// assert_eq!(principal.acr(), Some("phr"));
/// # Ok(())
/// # }
/// ```
#[must_use]
pub struct TokenBuilder {
    issuer: TestIssuer,
    header: Header,
    claims: Map<String, Value>,
    now: u64,
}

impl TokenBuilder {
    pub(super) fn new(issuer: TestIssuer) -> Self {
        let now = unix_now();
        let mut header = Header::new(issuer.algorithm());
        header.typ = Some("at+jwt".to_owned());
        header.kid = Some(issuer.kid().to_owned());
        let mut claims = Map::new();
        claims.insert("iss".to_owned(), issuer.issuer().into());
        claims.insert("aud".to_owned(), issuer.audience().into());
        claims.insert("sub".to_owned(), DEFAULT_SUBJECT.into());
        claims.insert("client_id".to_owned(), DEFAULT_CLIENT_ID.into());
        claims.insert("iat".to_owned(), now.into());
        claims.insert(
            "exp".to_owned(),
            now.saturating_add(DEFAULT_TOKEN_LIFETIME.as_secs()).into(),
        );
        claims.insert("jti".to_owned(), token_id().into());
        Self {
            issuer,
            header,
            claims,
            now,
        }
    }

    /// Sets the granted scopes: the `scope` claim, space-delimited.
    ///
    /// The string is written as given, so a scope that breaks the grammar
    /// makes a token the validator refuses.
    pub fn scopes(self, scopes: impl Into<String>) -> Self {
        self.claim("scope", Value::String(scopes.into()))
    }

    /// Sets the subject (`sub`).
    #[allow(clippy::should_implement_trait, reason = "named after the claim")]
    pub fn sub(self, sub: impl Into<String>) -> Self {
        self.claim("sub", Value::String(sub.into()))
    }

    /// Sets the client (`client_id`).
    pub fn client_id(self, client_id: impl Into<String>) -> Self {
        self.claim("client_id", Value::String(client_id.into()))
    }

    /// Sets the issuer (`iss`), to mint a token of another issuer signed
    /// with this issuer's key.
    pub fn issuer(self, issuer: impl Into<String>) -> Self {
        self.claim("iss", Value::String(issuer.into()))
    }

    /// Sets one audience (`aud`).
    pub fn audience(self, audience: impl Into<String>) -> Self {
        self.claim("aud", Value::String(audience.into()))
    }

    /// Sets several audiences (`aud` as an array).
    pub fn audiences<I>(self, audiences: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let audiences = audiences
            .into_iter()
            .map(|audience| Value::String(audience.into()))
            .collect();
        self.claim("aud", Value::Array(audiences))
    }

    /// Makes the token expire `lifetime` from now (`exp`).
    pub fn expires_in(self, lifetime: Duration) -> Self {
        let exp = self.now.saturating_add(lifetime.as_secs());
        self.claim("exp", exp.into())
    }

    /// Makes the token one that expired an hour ago, issued five minutes
    /// before that (`exp`, `iat`).
    pub fn expired(self) -> Self {
        let exp = self.now.saturating_sub(EXPIRED_AGO);
        let iat = exp.saturating_sub(DEFAULT_TOKEN_LIFETIME.as_secs());
        self.claim("exp", exp.into()).claim("iat", iat.into())
    }

    /// Sets when the user authenticated (`auth_time`), in seconds since the
    /// Unix epoch.
    pub fn auth_time(self, auth_time: u64) -> Self {
        self.claim("auth_time", auth_time.into())
    }

    /// Sets `auth_time` to `ago` before now.
    pub fn authenticated_ago(self, ago: Duration) -> Self {
        let auth_time = self.now.saturating_sub(ago.as_secs());
        self.auth_time(auth_time)
    }

    /// Sets the authentication context class (`acr`).
    pub fn acr(self, acr: impl Into<String>) -> Self {
        self.claim("acr", Value::String(acr.into()))
    }

    /// Binds the token to `key`: `cnf.jkt` is its thumbprint (RFC 9449 §6).
    /// Other `cnf` members (a certificate binding) are kept.
    #[cfg(feature = "dpop")]
    pub fn dpop_bound(self, key: &super::DpopKey) -> Self {
        self.confirmation("jkt", key.thumbprint())
    }

    /// Binds the token to `certificate`: `cnf.x5t#S256` is its thumbprint
    /// (RFC 8705 §3.1). Other `cnf` members (a key binding) are kept, so
    /// a token can be bound both ways.
    #[cfg(feature = "mtls")]
    pub fn certificate_bound(self, certificate: &super::TestCertificate) -> Self {
        self.confirmation("x5t#S256", certificate.thumbprint())
    }

    /// Sets the `cnf` member `name`, keeping the others.
    #[cfg(any(feature = "dpop", feature = "mtls"))]
    fn confirmation(mut self, name: &str, value: String) -> Self {
        let cnf = self
            .claims
            .entry("cnf")
            .or_insert_with(|| Value::Object(Map::new()));
        if !cnf.is_object() {
            *cnf = Value::Object(Map::new());
        }
        if let Value::Object(members) = cnf {
            members.insert(name.to_owned(), Value::String(value));
        }
        self
    }

    /// Sets any claim, replacing the one of the same name.
    pub fn claim(mut self, name: impl Into<String>, value: Value) -> Self {
        self.claims.insert(name.into(), value);
        self
    }

    /// Leaves a claim out, default or not (for instance `exp`, to test that a
    /// token without it is refused).
    pub fn without_claim(mut self, name: &str) -> Self {
        self.claims.remove(name);
        self
    }

    /// Sets the header's `kid` (by default the issuer's).
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.header.kid = Some(kid.into());
        self
    }

    /// Leaves `kid` out of the header.
    pub fn without_kid(mut self) -> Self {
        self.header.kid = None;
        self
    }

    /// Sets the header's `typ` (by default `at+jwt`).
    pub fn header_typ(mut self, typ: impl Into<String>) -> Self {
        self.header.typ = Some(typ.into());
        self
    }

    /// Leaves `typ` out of the header.
    pub fn without_header_typ(mut self) -> Self {
        self.header.typ = None;
        self
    }

    /// Signs the token with the issuer's key: a compact JWS.
    ///
    /// # Panics
    ///
    /// Never: the key was generated for the algorithm it signs with, and the
    /// claims are a JSON object.
    pub fn sign(self) -> String {
        jsonwebtoken::encode(&self.header, &self.claims, self.issuer.signing_key())
            .expect("a test issuer's key signs with its own algorithm")
    }
}

/// A random token id: 128 bits, base64url.
fn token_id() -> String {
    let mut bytes = [0_u8; 16];
    // A zero id after a failure of the random source is still a valid `jti`.
    let _ = aws_lc_rs::rand::fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

impl fmt::Debug for TokenBuilder {
    /// Shows the issuer and the claim names, never their values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenBuilder")
            .field("issuer", &self.issuer.issuer())
            .field("claims", &self.claims.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}
