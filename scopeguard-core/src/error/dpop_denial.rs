//! Why a DPoP proof is refused (SPEC §3.6, RFC 9449 §4.3, §7.1).
//!
//! Every proof check has its own variant and stable [`label`](DpopProofError::label),
//! in the order the checks run. These types exist in every build, so that
//! [`AuthError`](super::AuthError) has the same variants whatever the features;
//! only the `dpop` feature produces them.

/// Why a DPoP proof is refused: 401 `invalid_dpop_proof` (RFC 9449 §7.1).
///
/// The variants follow the order of the checks. Descriptions never repeat
/// the proof's contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DpopProofError {
    /// The request with the `DPoP` scheme has no `DPoP` header.
    #[error("the request has no DPoP proof")]
    Missing,
    /// More than one `DPoP` header, or one holding several comma-joined proofs.
    #[error("the request has more than one DPoP proof")]
    Multiple,
    /// The proof is not one JWS in compact form with a JSON header and claims.
    #[error("the DPoP proof is not a compact JWS")]
    Malformed,
    /// `typ` is not `dpop+jwt`.
    #[error("the DPoP proof's typ is not dpop+jwt")]
    InvalidType,
    /// `alg` is symmetric, `none`, or not in the allowlist.
    #[error("the DPoP proof's algorithm is not allowed")]
    AlgorithmNotAllowed,
    /// `jwk` is absent, not a public key, of a type that does not fit
    /// `alg`, or holds private members.
    #[error("the DPoP proof's jwk is not an acceptable public key")]
    InvalidKey,
    /// The signature does not verify with the proof's `jwk`.
    #[error("the DPoP proof's signature is invalid")]
    InvalidSignature,
    /// `jti` is absent, not a string, or longer than 256 characters.
    #[error("the DPoP proof's jti is missing or invalid")]
    InvalidJti,
    /// `htm` is not the request's method.
    #[error("the DPoP proof's htm does not match the request method")]
    MethodMismatch,
    /// `htu` is not the request's URI.
    #[error("the DPoP proof's htu does not match the request URI")]
    UriMismatch,
    /// `iat` is missing, or outside the accepted window.
    #[error("the DPoP proof's iat is outside the accepted window")]
    InvalidIat,
    /// `nbf` is in the future or `exp` in the past (beyond the leeway).
    #[error("the DPoP proof is not valid at this time")]
    NotValidNow,
    /// `ath` is missing or not the hash of the access token.
    #[error("the DPoP proof's ath does not match the access token")]
    AccessTokenHashMismatch,
    /// The proof's `jti` was used before.
    #[error("the DPoP proof was already used")]
    Replayed,
}

impl DpopProofError {
    /// A stable label.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::Missing => "dpop_proof_missing",
            Self::Multiple => "dpop_proof_multiple",
            Self::Malformed => "dpop_proof_malformed",
            Self::InvalidType => "dpop_invalid_typ",
            Self::AlgorithmNotAllowed => "dpop_algorithm_not_allowed",
            Self::InvalidKey => "dpop_invalid_jwk",
            Self::InvalidSignature => "dpop_invalid_signature",
            Self::InvalidJti => "dpop_invalid_jti",
            Self::MethodMismatch => "dpop_htm_mismatch",
            Self::UriMismatch => "dpop_htu_mismatch",
            Self::InvalidIat => "dpop_invalid_iat",
            Self::NotValidNow => "dpop_not_valid_now",
            Self::AccessTokenHashMismatch => "dpop_ath_mismatch",
            Self::Replayed => "dpop_replayed",
        }
    }
}
