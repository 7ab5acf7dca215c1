//! JWTs and opaque tokens side by side: each token goes to the validator
//! for its kind.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::IntrospectionValidator;
use crate::validation::jwt::JwtValidator;
use crate::{AuthError, Principal, TokenValidator};

/// Validates JWT access tokens locally and every other token by
/// introspection, for authorization servers that issue both kinds.
///
/// A token is taken for a JWT when it has the compact JWS shape: exactly
/// three dot-separated parts, the first of which is base64url (no padding)
/// of a JSON object with a string `alg` member. Such a token goes to the JWT
/// validator, and only to it: a JWT it rejects is rejected, never
/// introspected, so a forged JWT cannot reach the introspection endpoint
/// and a token is judged by one set of rules. Any other token (opaque
/// handles, which seldom hold dots and never a JOSE header) goes to the
/// introspection validator.
///
/// The shape is all that is read to choose: nothing in it is trusted, as
/// the chosen validator checks the whole token.
///
/// ```no_run
/// use scopeguard_core::validation::introspection::{IntrospectionValidator, JwtOrIntrospection};
/// use scopeguard_core::validation::keys::JwksSource;
/// use scopeguard_core::JwtValidator;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let jwt = JwtValidator::builder()
///     .issuer("https://idp.example.com", JwksSource::discover("https://idp.example.com").build().await?)
///     .audience("orders-api")
///     .build()?;
/// let introspection = IntrospectionValidator::builder("https://idp.example.com/oauth2/introspect")
///     .client_credentials("orders-api", "the client secret")
///     .issuer("https://idp.example.com")
///     .audience("orders-api")
///     .build()?;
/// let validator = JwtOrIntrospection::new(jwt, introspection);
/// # let _ = validator;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct JwtOrIntrospection<J = JwtValidator, I = IntrospectionValidator> {
    jwt: J,
    introspection: I,
}

impl<J, I> JwtOrIntrospection<J, I> {
    /// JWTs to `jwt`, every other token to `introspection`.
    pub fn new(jwt: J, introspection: I) -> Self {
        Self { jwt, introspection }
    }

    /// The validator of JWTs.
    pub fn jwt(&self) -> &J {
        &self.jwt
    }

    /// The validator of the other tokens.
    pub fn introspection(&self) -> &I {
        &self.introspection
    }
}

impl<J: TokenValidator, I: TokenValidator> TokenValidator for JwtOrIntrospection<J, I> {
    async fn validate(&self, token: &str) -> Result<Principal, AuthError> {
        if looks_like_jwt(token) {
            self.jwt.validate(token).await
        } else {
            self.introspection.validate(token).await
        }
    }

    /// The JWT validator's cached principal: only a token it accepted, so
    /// only a JWT, is ever there.
    fn cached(&self, token: &[u8]) -> Option<Principal> {
        self.jwt.cached(token)
    }

    async fn validate_uncached(&self, token: &str) -> Result<Principal, AuthError> {
        if looks_like_jwt(token) {
            self.jwt.validate_uncached(token).await
        } else {
            self.introspection.validate(token).await
        }
    }
}

/// Whether `token` has the compact JWS shape: three parts, the first
/// base64url of a JSON object with a string `alg`.
fn looks_like_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    URL_SAFE_NO_PAD
        .decode(header)
        .ok()
        .and_then(|json| serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&json).ok())
        .is_some_and(|header| header.get("alg").is_some_and(serde_json::Value::is_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    #[test]
    fn the_compact_jws_shape_is_a_jwt() {
        let header = b64(r#"{"alg":"RS256","typ":"at+jwt"}"#);
        assert!(looks_like_jwt(&format!("{header}.e30.sig")));
        assert!(looks_like_jwt(&format!("{header}..")));
        assert!(looks_like_jwt(&format!("{}.x.y", b64(r#"{"alg":"none"}"#))));
    }

    #[test]
    fn anything_else_is_opaque() {
        let header = b64(r#"{"alg":"RS256"}"#);
        for token in [
            "2YotnFZFEjr1zCsicMWpAA".to_owned(),
            "a.b.c".to_owned(),
            format!("{header}.e30"),
            format!("{header}.e30.sig.more"),
            format!("{}.e30.sig", b64(r#"{"typ":"JWT"}"#)),
            format!("{}.e30.sig", b64(r#"{"alg":256}"#)),
            format!("{}.e30.sig", b64(r#"["alg"]"#)),
            format!("{header}=.e30.sig"),
            String::new(),
        ] {
            assert!(!looks_like_jwt(&token), "{token}");
        }
    }
}
