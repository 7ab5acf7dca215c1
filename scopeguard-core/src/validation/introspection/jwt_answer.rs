//! Signed introspection answers (RFC 9701): the answer is a JWT signed by
//! the authorization server, whose `token_introspection` claim is the
//! RFC 7662 answer.
//!
//! The JWT answers a question this resource server asked, so it is checked
//! as the endpoint's answer, not as the token: a JWT that is not one, a
//! wrong `typ`, a signature no key of the authorization server verifies, an
//! `iss` or `aud` other than expected, an `iat` missing or in the future, or
//! no `token_introspection` object all mean the answer cannot be trusted,
//! and the token may be fine. The validator answers those like an endpoint
//! failure (503), with a `warn!` naming the [`JwtAnswerProblem`].

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{InvalidToken, Unavailable};
use crate::validation::jwt::VerifiedJws;
use crate::validation::jwt::claims_set::{NumericDate, Strings};
use crate::validation::keys::{KeySet, KeySource};

/// The media type a resource server asks for (RFC 9701 §4).
pub(super) const JWT_ANSWER_MEDIA_TYPE: &str = "application/token-introspection+jwt";

/// The `typ` header of a signed answer (RFC 9701 §5), compared
/// case-insensitively, with or without the `application/` prefix.
const JWT_ANSWER_TYPE: &str = "token-introspection+jwt";

/// Why a signed answer is not trusted. Each has a stable label, logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(super) enum JwtAnswerProblem {
    /// Not a compact JWS with a JSON header and payload.
    #[error("the answer is not a signed JWT")]
    NotAJwt,
    /// The `typ` header is missing or not `token-introspection+jwt`.
    #[error("the answer's `typ` is not token-introspection+jwt")]
    WrongType,
    /// No key of the authorization server verifies the signature.
    #[error("the answer's signature does not verify ({})", .0.label())]
    Signature(InvalidToken),
    /// The authorization server's keys were never obtained.
    #[error("the authorization server's keys are unavailable")]
    KeysUnavailable(Unavailable),
    /// `iss` is missing or not the configured issuer.
    #[error("the answer's `iss` is not the configured issuer")]
    WrongIssuer,
    /// `aud` is missing or does not contain this client's id.
    #[error("the answer's `aud` does not name this client")]
    WrongAudience,
    /// `iat` is missing, not a number, or in the future beyond the leeway.
    #[error("the answer's `iat` is missing or in the future")]
    BadIssuedAt,
    /// `iat` is older than the largest age accepted.
    #[error("the answer is older than the largest age accepted")]
    Stale,
    /// `token_introspection` is missing or not an object.
    #[error("the answer has no `token_introspection` object")]
    NoIntrospectionClaim,
}

/// How signed answers are verified: the authorization server's keys, the
/// algorithms allowed, the issuer and this client's id.
pub(super) struct JwtAnswerRules {
    pub(super) keys: Arc<dyn KeySource>,
    pub(super) algorithms: Box<[Algorithm]>,
    pub(super) issuer: Box<str>,
    pub(super) client_id: Box<str>,
    /// Seconds.
    pub(super) leeway: u64,
    /// The largest age of an answer, by its `iat`, in seconds; `None`
    /// accepts any (an answer just fetched).
    pub(super) max_age: Option<u64>,
}

/// The header members read.
#[derive(Deserialize)]
struct Header {
    typ: Option<String>,
    kid: Option<String>,
}

/// The payload members read (RFC 9701 §5).
#[derive(Deserialize)]
struct Payload<'a> {
    iss: Option<String>,
    aud: Option<Strings>,
    iat: Option<NumericDate>,
    #[serde(borrow)]
    token_introspection: Option<&'a RawValue>,
}

impl JwtAnswerRules {
    /// Verifies `jwt` at `now` (seconds since the epoch): the RFC 7662
    /// answer it carries, as JSON text, or why it is not trusted.
    pub(super) async fn verify(&self, jwt: &str, now: u64) -> Result<String, JwtAnswerProblem> {
        let header = read_header(jwt)?;
        if !header.typ.as_deref().is_some_and(is_answer_type) {
            return Err(JwtAnswerProblem::WrongType);
        }
        let payload = self.verified_payload(jwt, header.kid.as_deref()).await?;
        let payload =
            serde_json::from_slice::<Payload<'_>>(&payload).map_err(|_| JwtAnswerProblem::NotAJwt)?;
        if payload.iss.as_deref() != Some(&*self.issuer) {
            return Err(JwtAnswerProblem::WrongIssuer);
        }
        if !payload
            .aud
            .is_some_and(|Strings(aud)| aud.iter().any(|aud| **aud == *self.client_id))
        {
            return Err(JwtAnswerProblem::WrongAudience);
        }
        let latest = now.saturating_add(self.leeway);
        let Some(iat) = payload.iat.filter(|iat| iat.latest() <= latest) else {
            return Err(JwtAnswerProblem::BadIssuedAt);
        };
        if self
            .max_age
            .is_some_and(|max_age| now.saturating_sub(iat.earliest()) > max_age.saturating_add(self.leeway))
        {
            return Err(JwtAnswerProblem::Stale);
        }
        match payload.token_introspection {
            Some(answer) if answer.get().starts_with('{') => Ok(answer.get().to_owned()),
            _ => Err(JwtAnswerProblem::NoIntrospectionClaim),
        }
    }

    /// The payload once a key of the authorization server verified the
    /// signature. An unknown `kid` asks the key source for a refresh, once.
    async fn verified_payload(&self, jwt: &str, kid: Option<&str>) -> Result<Vec<u8>, JwtAnswerProblem> {
        let (keys, refreshed) = match self.keys.key_set() {
            Ok(keys) => (keys, false),
            Err(_) => (self.refreshed_keys().await?, true),
        };
        match keys.verify_jws(jwt, &self.algorithms) {
            Err(InvalidToken::UnknownKey) if !refreshed && kid.is_some_and(|kid| !keys.has_kid(kid)) => {
                let keys = self.refreshed_keys().await?;
                verify(&keys, jwt, &self.algorithms)
            }
            verified => verified_payload(verified),
        }
    }

    async fn refreshed_keys(&self) -> Result<Arc<KeySet>, JwtAnswerProblem> {
        self.keys
            .refresh()
            .await
            .map_err(JwtAnswerProblem::KeysUnavailable)
    }
}

/// Verifies `jwt` with `keys`: its payload, or why not.
fn verify(keys: &KeySet, jwt: &str, algorithms: &[Algorithm]) -> Result<Vec<u8>, JwtAnswerProblem> {
    verified_payload(keys.verify_jws(jwt, algorithms))
}

fn verified_payload(verified: Result<VerifiedJws, InvalidToken>) -> Result<Vec<u8>, JwtAnswerProblem> {
    verified
        .map(VerifiedJws::into_payload)
        .map_err(JwtAnswerProblem::Signature)
}

/// Whether a `typ` names a signed introspection answer.
fn is_answer_type(typ: &str) -> bool {
    let typ = typ
        .get(..12)
        .filter(|prefix| prefix.eq_ignore_ascii_case("application/"))
        .map_or(typ, |_| &typ[12..]);
    typ.eq_ignore_ascii_case(JWT_ANSWER_TYPE)
}

/// The JOSE header of a compact JWS, read before the signature is checked
/// only to judge its `typ` and choose the key.
fn read_header(jwt: &str) -> Result<Header, JwtAnswerProblem> {
    let encoded = jwt.split('.').next().ok_or(JwtAnswerProblem::NotAJwt)?;
    let json = URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| JwtAnswerProblem::NotAJwt)?;
    serde_json::from_slice(&json).map_err(|_| JwtAnswerProblem::NotAJwt)
}

impl fmt::Debug for JwtAnswerRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtAnswerRules")
            .field("keys", &self.keys)
            .field("algorithms", &self.algorithms)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("leeway", &self.leeway)
            .field("max_age", &self.max_age)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_type_is_compared_case_insensitively_with_or_without_prefix() {
        for typ in [
            "token-introspection+jwt",
            "Token-Introspection+JWT",
            "application/token-introspection+jwt",
            "APPLICATION/token-introspection+jwt",
        ] {
            assert!(is_answer_type(typ), "{typ}");
        }
        for typ in [
            "at+jwt",
            "JWT",
            "",
            "application/",
            "token-introspection+jwt2",
            "é",
        ] {
            assert!(!is_answer_type(typ), "{typ}");
        }
    }
}
