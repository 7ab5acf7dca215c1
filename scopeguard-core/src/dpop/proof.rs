//! The checks of one DPoP proof (SPEC §3.6, RFC 9449 §4.3), in the order
//! they run; each failure is its own [`DpopProofError`].
//!
//! 1. one JWS in compact form, with a JSON header and claims;
//! 2. `typ` is `dpop+jwt` (any case);
//! 3. `alg` is asymmetric and in the allowlist;
//! 4. `jwk` is a public key, with no private member, of a type that fits `alg`;
//! 5. the signature verifies with `jwk`;
//! 6. `jti` is a string of 1 to 256 characters;
//! 7. `htm` is the request's method;
//! 8. `htu` is the request's URI, both normalised;
//! 9. `iat` is within [now − window − leeway, now + leeway];
//! 10. `nbf` and `exp`, when present, hold now (with the leeway);
//! 11. `ath` is base64url(SHA-256(access token));
//! 12. `nonce` is a valid server nonce, when nonces are on (else 401
//!     `use_dpop_nonce`).
//!
//! The replay check comes after all of these and after the token's binding.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::DpopConfig;
use super::htu::normalize_uri;
use super::member::Member;
use super::proof_key::ProofKey;
use crate::AuthError;
use crate::digest::constant_time_eq;
use crate::error::DpopProofError;

/// The longest accepted `jti`, in characters.
const MAX_JTI_CHARS: usize = 256;

/// What a request offers a proof to be checked against.
pub(crate) struct ProofTarget<'a> {
    /// The request method.
    pub(crate) method: &'a str,
    /// The request URI, normalised; `None` when it cannot be told.
    pub(crate) htu: Option<&'a str>,
    /// The access token.
    pub(crate) token: &'a str,
    /// Now, in seconds since the epoch.
    pub(crate) now: u64,
}

/// A proof that passed every check but the binding and the replay check.
#[derive(Debug)]
pub(crate) struct CheckedProof {
    pub(crate) key: Arc<ProofKey>,
    pub(crate) jti: String,
    pub(crate) iat: u64,
    pub(crate) nonce: Option<String>,
}

#[derive(Deserialize)]
struct Header<'a> {
    #[serde(borrow)]
    typ: Option<Member<'a>>,
    #[serde(borrow)]
    alg: Option<Member<'a>>,
    #[serde(borrow)]
    jwk: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Claims<'a> {
    #[serde(borrow)]
    jti: Option<Member<'a>>,
    #[serde(borrow)]
    htm: Option<Member<'a>>,
    #[serde(borrow)]
    htu: Option<Member<'a>>,
    #[serde(borrow)]
    iat: Option<Member<'a>>,
    #[serde(borrow)]
    nbf: Option<Member<'a>>,
    #[serde(borrow)]
    exp: Option<Member<'a>>,
    #[serde(borrow)]
    ath: Option<Member<'a>>,
    #[serde(borrow)]
    nonce: Option<Member<'a>>,
}

/// Runs checks 1 to 12 on `proof` for `target`.
pub(crate) fn check_proof(
    config: &DpopConfig,
    proof: &str,
    target: &ProofTarget<'_>,
) -> Result<CheckedProof, AuthError> {
    let mut parts = proof.split('.');
    let (Some(header_b64), Some(claims_b64), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DpopProofError::Malformed.into());
    };
    let header_bytes = decode(header_b64)?;
    let header: Header<'_> = serde_json::from_slice(&header_bytes).map_err(|_| DpopProofError::Malformed)?;
    let claims_bytes = decode(claims_b64)?;
    let claims: Claims<'_> = serde_json::from_slice(&claims_bytes).map_err(|_| DpopProofError::Malformed)?;

    let typ = header.typ.as_ref().and_then(Member::as_str);
    if !typ.is_some_and(|typ| typ.eq_ignore_ascii_case("dpop+jwt")) {
        return Err(DpopProofError::InvalidType.into());
    }
    let alg = header
        .alg
        .as_ref()
        .and_then(Member::as_str)
        .and_then(asymmetric_algorithm)
        .filter(|alg| config.algorithms.contains(alg))
        .ok_or(DpopProofError::AlgorithmNotAllowed)?;
    let jwk = header.jwk.ok_or(DpopProofError::InvalidKey)?;
    let key = config.keys.get(jwk.get())?;
    if !key.fits(alg) {
        return Err(DpopProofError::InvalidKey.into());
    }
    let message = &proof[..header_b64.len() + 1 + claims_b64.len()];
    if !jsonwebtoken::crypto::verify(signature, message.as_bytes(), key.key(), alg).unwrap_or(false) {
        return Err(DpopProofError::InvalidSignature.into());
    }

    let jti = match claims.jti.and_then(Member::into_text) {
        Some(jti) if !jti.is_empty() && jti.chars().count() <= MAX_JTI_CHARS => jti.into_owned(),
        _ => return Err(DpopProofError::InvalidJti.into()),
    };
    if claims.htm.as_ref().and_then(Member::as_str) != Some(target.method) {
        return Err(DpopProofError::MethodMismatch.into());
    }
    // A proof naming the request URI in normal form, as most clients
    // write it, matches without being normalised again.
    let htu = claims.htu.as_ref().and_then(Member::as_str);
    let matches = match (htu, target.htu) {
        (Some(htu), Some(target)) => htu == target || normalize_uri(htu).as_deref() == Some(target),
        _ => false,
    };
    if !matches {
        return Err(DpopProofError::UriMismatch.into());
    }
    let now = i128::from(target.now);
    let (window, leeway) = (i128::from(config.iat_window), i128::from(config.leeway));
    let iat = seconds(claims.iat.as_ref()).ok_or(DpopProofError::InvalidIat)?;
    if iat < now - window - leeway || iat > now + leeway {
        return Err(DpopProofError::InvalidIat.into());
    }
    let nbf_ok = claims
        .nbf
        .as_ref()
        .is_none_or(|nbf| seconds(Some(nbf)).is_some_and(|nbf| nbf <= now + leeway));
    let exp_ok = claims
        .exp
        .as_ref()
        .is_none_or(|exp| seconds(Some(exp)).is_some_and(|exp| exp > now - leeway));
    if !nbf_ok || !exp_ok {
        return Err(DpopProofError::NotValidNow.into());
    }
    let ath = claims.ath.as_ref().and_then(Member::as_str).unwrap_or_default();
    if !constant_time_eq(ath.as_bytes(), config.token_hashes.ath(target.token).as_bytes()) {
        return Err(DpopProofError::AccessTokenHashMismatch.into());
    }
    let nonce = claims
        .nonce
        .and_then(Member::into_text)
        .map(std::borrow::Cow::into_owned);
    if let Some(nonces) = &config.nonces
        && !nonce
            .as_deref()
            .is_some_and(|nonce| nonces.accepts(nonce, target.now))
    {
        return Err(AuthError::UseDpopNonce {
            nonce: nonces.nonce_at(target.now),
        });
    }
    Ok(CheckedProof {
        key,
        jti,
        // `iat` is within the window of `now`, a u64.
        iat: u64::try_from(iat).unwrap_or(target.now),
        nonce,
    })
}

fn decode(part: &str) -> Result<Vec<u8>, DpopProofError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| DpopProofError::Malformed)
}

/// A `NumericDate` as whole seconds (a fraction is dropped).
fn seconds(value: Option<&Member<'_>>) -> Option<i128> {
    let number = value?.as_number()?;
    if let Some(integer) = number.as_i64() {
        return Some(i128::from(integer));
    }
    let float = number.as_f64()?;
    #[expect(clippy::cast_possible_truncation, reason = "checked to be in range first")]
    (float.is_finite() && float.abs() < 1e15).then(|| float.floor() as i128)
}

/// The asymmetric algorithm named `name`; `None` for HMAC, `none` and
/// unknown names.
fn asymmetric_algorithm(name: &str) -> Option<Algorithm> {
    Some(match name {
        "ES256" => Algorithm::ES256,
        "ES384" => Algorithm::ES384,
        "EdDSA" => Algorithm::EdDSA,
        "RS256" => Algorithm::RS256,
        "RS384" => Algorithm::RS384,
        "RS512" => Algorithm::RS512,
        "PS256" => Algorithm::PS256,
        "PS384" => Algorithm::PS384,
        "PS512" => Algorithm::PS512,
        _ => return None,
    })
}
