//! Why a request is denied: every outcome other than "allow" (SPEC §3, §4).
//!
//! [`AuthError`] is what validators, layers and extractors produce; each kind
//! has a stable [`label`](AuthError::label) (part of the public contract, for
//! matching, metrics and logs) and a fixed HTTP status.
//!
//! ```
//! use scopeguard_core::error::{AuthError, InvalidToken};
//!
//! let error = AuthError::InvalidToken(InvalidToken::Expired);
//! assert_eq!(error.label(), "expired");
//! assert_eq!(error.status(), 401);
//! ```

use std::time::Duration;

/// Why an `Authorization` request is malformed (400 `invalid_request`, SPEC §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidRequest {
    /// `Bearer` with no token after it.
    #[error("the bearer token is empty")]
    EmptyToken,
    /// The token does not match the b64token syntax.
    #[error("the bearer token is malformed")]
    MalformedToken,
    /// More than one `Authorization` header.
    #[error("the request has more than one Authorization header")]
    MultipleAuthorizationHeaders,
    /// The `Authorization` value holds a non-ASCII byte.
    #[error("the Authorization header is not ASCII")]
    NonAsciiAuthorization,
    /// Both `Bearer` and `DPoP` credentials are present (SPEC §3.6).
    #[error("the request carries more than one kind of credentials")]
    ConflictingCredentials,
}

impl InvalidRequest {
    /// A stable label.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::EmptyToken => "empty_token",
            Self::MalformedToken => "malformed_token",
            Self::MultipleAuthorizationHeaders => "multiple_authorization_headers",
            Self::NonAsciiAuthorization => "non_ascii_authorization",
            Self::ConflictingCredentials => "conflicting_credentials",
        }
    }
}

/// Why a token is invalid (401 `invalid_token`, SPEC §3.2).
///
/// Descriptions never contain token contents or key material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidToken {
    /// The `Authorization` value is longer than the configured limit.
    #[error("the Authorization header is too large")]
    TooLarge,
    /// Not a compact JWS (three base64url parts, JSON header and claims).
    #[error("the token is malformed")]
    Malformed,
    /// The `alg` is not allowed (including `none`).
    #[error("the token's algorithm is not allowed")]
    AlgorithmNotAllowed,
    /// The `typ` header is not an accepted access-token type.
    #[error("the token's type is not accepted")]
    InvalidType,
    /// The header has a `crit` parameter.
    #[error("the token has critical header parameters")]
    CriticalHeader,
    /// No known key matches the token's `kid` and `alg`.
    #[error("no known key matches the token")]
    UnknownKey,
    /// Without a `kid`, more than one key could verify the token.
    #[error("the token does not say which key signed it")]
    AmbiguousKey,
    /// The signature does not verify.
    #[error("the token's signature is invalid")]
    InvalidSignature,
    /// `exp` is in the past (beyond the leeway).
    #[error("the token has expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("the token is not valid yet")]
    NotYetValid,
    /// `iat` is in the future (beyond the leeway).
    #[error("the token was issued in the future")]
    IssuedInFuture,
    /// A required claim (`exp`, `iss`, `aud`) is absent.
    #[error("the token lacks a required claim")]
    MissingClaim,
    /// A claim has the wrong JSON type or an invalid value, such as an
    /// `auth_time` in the future (beyond the leeway).
    #[error("the token has a malformed claim")]
    InvalidClaim,
    /// `iss` is not a configured issuer.
    #[error("the token's issuer is not accepted")]
    InvalidIssuer,
    /// `aud` does not contain a configured audience.
    #[error("the token's audience is not accepted")]
    InvalidAudience,
    /// The scope claim breaks the RFC 6749 grammar or has the wrong type.
    #[error("the token's scope claim is malformed")]
    InvalidScopeClaim,
    /// Introspection says the token is not active.
    #[error("the token is not active")]
    Inactive,
    /// A token bound to a key (`cnf.jkt`) came with the `Bearer` scheme
    /// (SPEC §3.6: never downgraded).
    #[error("the token is bound to a key and must be sent with the DPoP scheme")]
    BoundTokenAsBearer,
    /// A token bound to no key came with the `DPoP` scheme (SPEC §3.6).
    #[error("the token is not bound to a key")]
    UnboundTokenAsDpop,
    /// The token's `cnf.jkt` is not the thumbprint of the proof's key.
    #[error("the token is bound to another key")]
    KeyBindingMismatch,
    /// A `Bearer` token where only DPoP is accepted (SPEC §3.6, `Required` mode).
    #[error("this resource accepts DPoP-bound tokens only")]
    DpopRequired,
    /// A token bound to a client certificate (`cnf.x5t#S256`) came without
    /// one: no TLS client certificate, and no certificate header from a
    /// trusted proxy (SPEC §3.7).
    #[error("the token is bound to a client certificate and none was presented")]
    CertificateMissing,
    /// The presented client certificate is not the one the token's
    /// `cnf.x5t#S256` names.
    #[error("the token is bound to another client certificate")]
    CertificateMismatch,
    /// The presented client certificate cannot be read: a malformed header,
    /// or bytes that are not a DER certificate.
    #[error("the client certificate cannot be parsed")]
    CertificateUnparsable,
}

impl InvalidToken {
    /// A stable label.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::TooLarge => "token_too_large",
            Self::Malformed => "malformed_jwt",
            Self::AlgorithmNotAllowed => "algorithm_not_allowed",
            Self::InvalidType => "invalid_type",
            Self::CriticalHeader => "critical_header",
            Self::UnknownKey => "unknown_key",
            Self::AmbiguousKey => "ambiguous_key",
            Self::InvalidSignature => "invalid_signature",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::IssuedInFuture => "issued_in_future",
            Self::MissingClaim => "missing_claim",
            Self::InvalidClaim => "invalid_claim",
            Self::InvalidIssuer => "invalid_issuer",
            Self::InvalidAudience => "invalid_audience",
            Self::InvalidScopeClaim => "invalid_scope_claim",
            Self::Inactive => "inactive",
            Self::BoundTokenAsBearer => "bound_token_as_bearer",
            Self::UnboundTokenAsDpop => "unbound_token_as_dpop",
            Self::KeyBindingMismatch => "dpop_key_binding_mismatch",
            Self::DpopRequired => "dpop_required",
            Self::CertificateMissing => "certificate_missing",
            Self::CertificateMismatch => "certificate_mismatch",
            Self::CertificateUnparsable => "certificate_unparsable",
        }
    }
}

/// Why the token cannot be checked right now (503, SPEC §3.3, §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unavailable {
    /// No key set was ever obtained from the key server.
    #[error("the signing keys are temporarily unavailable")]
    KeySet {
        /// When to try again.
        retry_after: Duration,
    },
    /// The introspection endpoint is failing.
    #[error("token introspection is temporarily unavailable")]
    Introspection {
        /// When to try again.
        retry_after: Duration,
    },
    /// The authorization server's token endpoint is failing, so a call to
    /// another API on the caller's behalf cannot be made (SPEC §3.8).
    #[error("token exchange is temporarily unavailable")]
    TokenExchange {
        /// When to try again.
        retry_after: Duration,
    },
    /// The DPoP replay store cannot record a proof: full of unexpired
    /// entries, or unreachable (SPEC §3.6). Never an accepted proof.
    #[error("DPoP proofs cannot be checked for replay now")]
    ReplayStore {
        /// When to try again.
        retry_after: Duration,
    },
}

impl Unavailable {
    /// A stable label.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::KeySet { .. } => "key_set_unavailable",
            Self::Introspection { .. } => "introspection_unavailable",
            Self::TokenExchange { .. } => "token_exchange_unavailable",
            Self::ReplayStore { .. } => "replay_store_unavailable",
        }
    }

    /// When the client should try again.
    pub const fn retry_after(&self) -> Duration {
        match self {
            Self::KeySet { retry_after }
            | Self::Introspection { retry_after }
            | Self::TokenExchange { retry_after }
            | Self::ReplayStore { retry_after } => *retry_after,
        }
    }
}

/// Step-up authentication needed (401 `insufficient_user_authentication`,
/// RFC 9470).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the user must authenticate again")]
pub struct StepUpRequired {
    /// The requirement's `max_age`, in seconds, when it sets one.
    pub max_age: Option<u64>,
    /// The requirement's acceptable `acr` values, when it sets any.
    pub acr_values: Vec<String>,
}

/// A server-side configuration error (500, SPEC §2.4, §4). Never an allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Misconfiguration {
    /// A scope check ran with no authentication layer below it.
    #[error("a scope check ran without the authentication layer")]
    MissingAuthLayer,
    /// A call to another API on the caller's behalf needs the caller's
    /// access token, and the principal carries none: it was built by a
    /// validator that does not keep it (SPEC §3.8).
    #[error("the principal carries no access token to forward or exchange")]
    MissingAccessToken,
    /// A template scope names a path parameter the route lacks.
    #[error("a template scope names the missing path parameter `{0}`")]
    MissingPathParameter(String),
    /// The requirement of a `#[requires_scope]` handler cannot be resolved
    /// from the program's registrations.
    #[error("the requirement of this #[requires_scope] handler cannot be resolved: {detail}")]
    UnresolvedRequirement {
        /// The stable label of the cause (a
        /// [`RegistryError`](crate::inventory::registry::RegistryError) label).
        label: &'static str,
        /// What is wrong, for the log.
        detail: String,
    },
}

impl Misconfiguration {
    /// A stable label.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::MissingAuthLayer => "missing_auth_layer",
            Self::MissingAccessToken => "missing_access_token",
            Self::MissingPathParameter(_) => "missing_template_parameter",
            Self::UnresolvedRequirement { label, .. } => label,
        }
    }
}

/// Every way a request can be denied, in the order of SPEC §4: credentials,
/// token validity, scopes, step-up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No credentials: 401 with a bare challenge.
    #[error("no bearer token")]
    MissingCredentials,
    /// Malformed credentials: 400 `invalid_request`.
    #[error(transparent)]
    InvalidRequest(#[from] InvalidRequest),
    /// An invalid token: 401 `invalid_token`.
    #[error(transparent)]
    InvalidToken(#[from] InvalidToken),
    /// The token cannot be checked now: 503 with `Retry-After`.
    #[error(transparent)]
    Unavailable(#[from] Unavailable),
    /// The token lacks a required scope: 403 `insufficient_scope`.
    #[error("insufficient scope")]
    InsufficientScope {
        /// The challenge's `scope` attribute; `None` omits it.
        scope: Option<String>,
    },
    /// Step-up authentication needed: 401 `insufficient_user_authentication`.
    #[error(transparent)]
    StepUpRequired(#[from] StepUpRequired),
    /// A configuration error: 500.
    #[error(transparent)]
    Misconfigured(#[from] Misconfiguration),
    /// A missing, repeated or failing DPoP proof: 401 `invalid_dpop_proof`
    /// (SPEC §3.6).
    #[error(transparent)]
    InvalidDpopProof(#[from] DpopProofError),
    /// The DPoP proof lacks a valid server nonce: 401 `use_dpop_nonce`, with
    /// a fresh nonce in `DPoP-Nonce` (RFC 9449 §8, §9).
    #[error("the DPoP proof must carry the server's current nonce")]
    UseDpopNonce {
        /// The nonce the client must put in its next proof.
        nonce: String,
    },
}

impl AuthError {
    /// A stable label for the precise reason (`"expired"`,
    /// `"key_set_unavailable"`, `"insufficient_scope"`, ...).
    pub fn label(&self) -> &'static str {
        match self {
            Self::MissingCredentials => "missing_token",
            Self::InvalidRequest(reason) => reason.label(),
            Self::InvalidToken(reason) => reason.label(),
            Self::Unavailable(reason) => reason.label(),
            Self::InsufficientScope { .. } => "insufficient_scope",
            Self::StepUpRequired(_) => "insufficient_user_authentication",
            Self::Misconfigured(reason) => reason.label(),
            Self::InvalidDpopProof(reason) => reason.label(),
            Self::UseDpopNonce { .. } => "use_dpop_nonce",
        }
    }

    /// The HTTP status code of SPEC §4.
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidRequest(_) => 400,
            Self::MissingCredentials
            | Self::InvalidToken(_)
            | Self::StepUpRequired(_)
            | Self::InvalidDpopProof(_)
            | Self::UseDpopNonce { .. } => 401,
            Self::InsufficientScope { .. } => 403,
            Self::Misconfigured(_) => 500,
            Self::Unavailable(_) => 503,
        }
    }

    /// The OAuth error code of the challenge and body (RFC 6750 §3.1,
    /// RFC 9470), or `None` for missing credentials and server errors.
    pub fn error_code(&self) -> Option<&'static str> {
        match self {
            Self::MissingCredentials | Self::Misconfigured(_) => None,
            Self::InvalidRequest(_) => Some("invalid_request"),
            Self::InvalidToken(_) => Some("invalid_token"),
            Self::Unavailable(_) => Some("temporarily_unavailable"),
            Self::InsufficientScope { .. } => Some("insufficient_scope"),
            Self::StepUpRequired(_) => Some("insufficient_user_authentication"),
            Self::InvalidDpopProof(_) => Some("invalid_dpop_proof"),
            Self::UseDpopNonce { .. } => Some("use_dpop_nonce"),
        }
    }
}

impl From<crate::ScopeDenial> for AuthError {
    fn from(denial: crate::ScopeDenial) -> Self {
        match denial {
            crate::ScopeDenial::InsufficientScope { scope } => Self::InsufficientScope { scope },
            crate::ScopeDenial::MissingParameter { name } => {
                Self::Misconfigured(Misconfiguration::MissingPathParameter(name))
            }
        }
    }
}

pub mod challenge;
mod denial_renderer;
mod dpop_denial;

pub use denial_renderer::{DenialRenderer, log_denial};
pub use dpop_denial::DpopProofError;

#[cfg(test)]
mod tests;
