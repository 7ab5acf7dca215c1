//! Opaque access tokens checked at the authorization server's introspection
//! endpoint (RFC 7662; SPEC §3.5).
//!
//! An [`IntrospectionValidator`] posts the token to the endpoint with client
//! authentication, requires `active: true`, checks the members the answer
//! carries (`exp`, `nbf`, `iat`, `auth_time`, `iss`, `aud`, `scope`) by the
//! same rules as a JWT's claims, and turns the answer into a
//! [`Principal`](crate::Principal). Answers are cached under a SHA-256 hash
//! of the token, and concurrent validations of one token share one call.
//!
//! [`JwtOrIntrospection`] serves deployments that receive both kinds of
//! token: JWTs are verified locally, anything else is introspected.
//!
//! ```no_run
//! use scopeguard_core::Requirement;
//! use scopeguard_core::validation::introspection::{ClientAuthentication, IntrospectionValidator};
//!
//! # async fn run(token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let validator = IntrospectionValidator::builder("https://idp.example.com/oauth2/introspect")
//!     .client_credentials("orders-api", "the client secret")
//!     .client_authentication(ClientAuthentication::ClientSecretBasic)
//!     .issuer("https://idp.example.com")
//!     .audience("orders-api")
//!     .build()?;
//!
//! let principal = validator.validate(token).await?;
//! principal.check(&Requirement::parse("order:item")?, &())?;
//! # Ok(())
//! # }
//! ```
//!
//! # What is checked
//!
//! 1. The endpoint answers 2xx, within the timeout, with a JSON object whose
//!    `active` member is a boolean. Anything else (unreachable, timeout,
//!    3xx, 4xx, 5xx, a body that is not such an object) is
//!    [`Unavailable::Introspection`](crate::error::Unavailable::Introspection):
//!    503 with `Retry-After`, logged at `warn` with its cause, never cached.
//! 2. `active: false` is [`InvalidToken::Inactive`](crate::error::InvalidToken::Inactive).
//! 3. For an active token, each member present must have its RFC 7662 type
//!    (`null` included, a wrong type is
//!    [`InvalidClaim`](crate::error::InvalidToken::InvalidClaim)); `exp` not
//!    passed, `nbf`, `iat` and `auth_time` not in the future (all with the
//!    leeway; a future `auth_time` would meet any step-up `max_age`, so it
//!    is an `InvalidClaim`, as in a JWT); `iss` equal to the configured
//!    issuer when the member is present (the issuer is required unless
//!    [`disable_issuer_check`](IntrospectionValidatorBuilder::disable_issuer_check)
//!    is set); `aud` (a string or an array of strings) containing a
//!    configured audience, and present unless
//!    [`allow_missing_audience`](IntrospectionValidatorBuilder::allow_missing_audience)
//!    relaxes that; `scope` a space-delimited string of valid scopes.
//!
//! # Signed answers (RFC 9701)
//!
//! With [`jwt_answers`](IntrospectionValidatorBuilder::jwt_answers) the
//! validator asks for `application/token-introspection+jwt` and the answer
//! must be a JWT signed by the authorization server (its keys from a
//! [`KeySource`](crate::validation::keys::KeySource): a JWKS URL or
//! discovery, as for access tokens), with `typ` `token-introspection+jwt`,
//! `iss` the configured issuer, `aud` this client's id and an `iat` not in
//! the future. Its `token_introspection` claim is then read as above, and
//! the JWT is kept on the principal
//! ([`Principal::introspection_jwt`](crate::Principal::introspection_jwt)),
//! for a gateway to forward (the phantom-token flow). Which answer means
//! what:
//!
//! | the answer | the validation |
//! | --- | --- |
//! | not a JWT, wrong `typ`, bad signature, wrong `iss` or `aud`, no or future `iat`, no `token_introspection` object, keys never obtained | endpoint failure: 503 `temporarily_unavailable`, `warn!` naming the check, not cached |
//! | trusted, `active: false` | [`InvalidToken::Inactive`](crate::error::InvalidToken::Inactive): 401 `invalid_token` |
//! | trusted, `active: true` | the members checked as in a plain answer |
//!
//! An untrusted answer says nothing about the token, so it is not the
//! token's fault: a 401 would make the client throw away a token that may
//! be fine.
//!
//! ```no_run
//! use scopeguard_core::validation::introspection::IntrospectionValidator;
//! use scopeguard_core::validation::keys::JwksSource;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let keys = JwksSource::discover("https://idp.example.com").build().await?;
//! let validator = IntrospectionValidator::builder("https://idp.example.com/oauth2/introspect")
//!     .client_credentials("gateway", "the client secret")
//!     .issuer("https://idp.example.com")
//!     .audience("orders-api")
//!     .jwt_answers(keys)
//!     .build()?;
//! let principal = validator.validate("an opaque token").await?;
//! let phantom_token = principal.introspection_jwt();
//! # Ok(())
//! # }
//! ```

mod answer;
pub(crate) mod answer_cache;
mod builder;
mod claim_settings;
pub(crate) mod client_auth;
mod config_error;
mod endpoint;
mod introspection_jwt_validator;
mod introspection_validator;
mod jwt_answer;
mod jwt_or_introspection;
pub(crate) mod single_flight;

use std::time::Duration;

pub use crate::validation::jwt::AudienceProblem;
pub use crate::validation::keys::HttpFetchSettings;
pub use builder::IntrospectionValidatorBuilder;
pub use client_auth::ClientAuthentication;
pub use config_error::{IntrospectionConfigError, IntrospectionConfigProblem};
pub use introspection_jwt_validator::{
    DEFAULT_INTROSPECTION_JWT_MAX_AGE, IntrospectionJwtValidator, IntrospectionJwtValidatorBuilder,
};
pub use introspection_validator::IntrospectionValidator;
pub use jwt_or_introspection::JwtOrIntrospection;

/// How long an active answer is cached by default, unless the token's `exp`
/// comes first: 60 s. A revoked token is accepted for at most this long.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(60);

/// How long a rejected token (inactive, expired, for another audience...) is
/// remembered by default: 60 s.
pub const DEFAULT_NEGATIVE_CACHE_TTL: Duration = Duration::from_secs(60);

/// The default bound of the answer cache: 16 MiB.
pub const DEFAULT_CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// The `Retry-After` of a 503 when the endpoint fails, by default: 5 s.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(5);
