//! The JWT validator: from a compact JWS to a [`Principal`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

use jsonwebtoken::Algorithm;

use super::audience::AudienceCheck;
use super::builder::JwtValidatorBuilder;
use super::claims_set::{ClaimLayout, RawClaims};
use super::header::{Compact, TypeCheck, decode_part};
use super::header_memo::HeaderMemo;
use super::jws::{select, verify_signature};
use super::registered_claims::ClaimRules;
use super::scope_claims::{CompiledRoles, granted_scopes};
use crate::error::InvalidToken;
use crate::validation::jwt::token_cache::TokenCache;
use crate::validation::keys::{KeySource, VerificationKey};
use crate::validation::principal::unix_now;
use crate::{AuthError, Principal, ScopePolicy, TokenValidator};

/// Validates JWT access tokens (RFC 9068, RFC 8725; SPEC §3.2, §3.4).
///
/// Built with [`JwtValidator::builder`]. Cloning is cheap and clones share
/// the verified-token cache.
///
/// The checks, in order: a compact JWS of three parts; a JSON header whose
/// `alg` is allowed (never `none`), with no `crit` and an accepted `typ`
/// (`jku`, `x5u`, `jwk` and `x5c` are never used); the `iss` of the payload
/// names a configured issuer, whose keys alone are used; the key chosen by
/// `kid` and `alg` (an unknown `kid` asks the key source for a refresh once);
/// the signature; `exp` (required), `nbf`, `iat` and `auth_time` (neither
/// in the future), with the leeway; `aud`; the types of the other
/// registered claims; the scope claim and the roles.
#[derive(Clone)]
pub struct JwtValidator {
    config: Arc<Config>,
}

/// A built configuration.
pub(super) struct Config {
    pub(super) issuers: Box<[Issuer]>,
    pub(super) audience: AudienceCheck,
    pub(super) algorithms: Box<[Algorithm]>,
    /// Seconds.
    pub(super) leeway: u64,
    pub(super) type_check: TypeCheck,
    pub(super) scope_claims: Box<[Box<str>]>,
    pub(super) roles: Option<CompiledRoles>,
    pub(super) policy: Arc<ScopePolicy>,
    pub(super) cache: Option<TokenCache>,
    pub(super) headers: HeaderMemo,
}

/// A configured issuer and where its keys come from.
#[derive(Debug)]
pub(super) struct Issuer {
    pub(super) iss: Box<str>,
    pub(super) keys: Arc<dyn KeySource>,
}

/// A freshly verified token.
struct Verified {
    principal: Principal,
    exp: u64,
    key: Arc<VerificationKey>,
    keys: Arc<dyn KeySource>,
    now: u64,
}

impl JwtValidator {
    /// A builder; see [`JwtValidatorBuilder`].
    pub fn builder() -> JwtValidatorBuilder {
        JwtValidatorBuilder::default()
    }

    pub(super) fn from_config(config: Config) -> Self {
        Self {
            config: Arc::new(config),
        }
    }

    /// The configured issuers.
    pub fn issuers(&self) -> impl Iterator<Item = &str> + '_ {
        self.config.issuers.iter().map(|issuer| &*issuer.iss)
    }

    /// The accepted algorithms.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.config.algorithms
    }

    /// The policy principals are matched under.
    pub fn policy(&self) -> &Arc<ScopePolicy> {
        &self.config.policy
    }

    /// Validates `token`: the [`Principal`] it describes, or why not.
    ///
    /// Every rejection is a `tracing` event at debug level with its label;
    /// the token itself is never logged.
    pub async fn validate(&self, token: &str) -> Result<Principal, AuthError> {
        match self.cached(token.as_bytes()) {
            Some(principal) => Ok(principal),
            None => self.validate_uncached(token).await,
        }
    }

    /// Validates `token` without looking in the verified-token cache first
    /// (a verified token is still stored): for a token
    /// [`cached`](Self::cached) has just not found.
    pub async fn validate_uncached(&self, token: &str) -> Result<Principal, AuthError> {
        let cache = self.config.cache.as_ref();
        match self.verify(token).await {
            Ok(verified) => {
                if let Some(cache) = cache {
                    cache.insert(
                        token,
                        verified.principal.clone(),
                        verified.exp,
                        verified.key,
                        verified.keys,
                        verified.now,
                    );
                }
                Ok(verified.principal)
            }
            Err(error) => {
                tracing::debug!(reason = error.label(), status = error.status(), "JWT rejected");
                Err(error)
            }
        }
    }

    /// The principal of `token` if the verified-token cache holds it (SPEC
    /// §3.4): verified before, before its `exp`, its key still current.
    pub fn cached(&self, token: &[u8]) -> Option<Principal> {
        self.config.cache.as_ref()?.get(token, SystemTime::now())
    }

    async fn verify(&self, token: &str) -> Result<Verified, AuthError> {
        let config = &*self.config;
        let parts = Compact::split(token)?;
        let (header, remembered) =
            config
                .headers
                .check(parts.header, &config.algorithms, config.type_check)?;
        let payload = String::from_utf8(decode_part(parts.payload)?).map_err(|_| InvalidToken::Malformed)?;
        let claims = RawClaims::parse(&payload, config.layout())?;
        let iss = claims.issuer()?;
        let issuer = config
            .issuers
            .iter()
            .find(|issuer| *issuer.iss == *iss)
            .ok_or(InvalidToken::InvalidIssuer)?;
        let key = key_for(issuer, header.kid.as_deref(), header.alg).await?;
        verify_signature(&parts, &key, header.alg)?;
        if !remembered {
            config.headers.remember(parts.header, &header);
        }

        let now = unix_now();
        let rules = ClaimRules {
            leeway: config.leeway,
            exp_required: true,
            issuer: Some(&issuer.iss),
            audience: &config.audience,
        };
        let registered = claims.check(&rules, now)?;
        let Some(exp) = registered.exp() else {
            return Err(InvalidToken::MissingClaim.into());
        };
        let mut scopes = granted_scopes(claims.scope_claim())?;
        if let Some(roles) = &config.roles
            && let Some(mapped) = roles.scopes(claims.role_claim())?
        {
            scopes = scopes.union(&mapped);
        }
        let principal = registered.into_principal(scopes, payload, Arc::clone(&config.policy), token);
        Ok(Verified {
            principal,
            exp,
            key,
            keys: Arc::clone(&issuer.keys),
            now,
        })
    }
}

impl Config {
    fn layout(&self) -> ClaimLayout<'_> {
        ClaimLayout {
            scope_claims: &self.scope_claims,
            role_claim: self.roles.as_ref().and_then(CompiledRoles::claim),
        }
    }
}

impl fmt::Debug for JwtValidator {
    /// Shows the configuration; key sources show no key material.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &*self.config;
        f.debug_struct("JwtValidator")
            .field("issuers", &config.issuers)
            .field("audience", &config.audience)
            .field("algorithms", &config.algorithms)
            .field("leeway", &config.leeway)
            .field("type_check", &config.type_check)
            .field("scope_claims", &config.scope_claims)
            .field("roles", &config.roles)
            .field("policy", &config.policy)
            .field("cache", &config.cache)
            .finish()
    }
}

impl TokenValidator for JwtValidator {
    fn validate(&self, token: &str) -> impl Future<Output = Result<Principal, AuthError>> + Send {
        Self::validate(self, token)
    }

    fn cached(&self, token: &[u8]) -> Option<Principal> {
        Self::cached(self, token)
    }

    fn validate_uncached(&self, token: &str) -> impl Future<Output = Result<Principal, AuthError>> + Send {
        Self::validate_uncached(self, token)
    }
}

/// The key to verify with (SPEC §3.2, §3.3): by `kid` and `alg` in the
/// issuer's current key set. A key source with no key set yet is asked for
/// one; a `kid` the current set lacks asks for a refresh, once.
async fn key_for(
    issuer: &Issuer,
    kid: Option<&str>,
    alg: Algorithm,
) -> Result<Arc<VerificationKey>, AuthError> {
    let (keys, refreshed) = match issuer.keys.key_set() {
        Ok(keys) => (keys, false),
        Err(_) => (issuer.keys.refresh().await?, true),
    };
    match select(&keys, kid, alg) {
        Err(InvalidToken::UnknownKey) if !refreshed && kid.is_some_and(|kid| !keys.has_kid(kid)) => {
            let keys = issuer.keys.refresh().await?;
            Ok(select(&keys, kid, alg)?)
        }
        selected => Ok(selected?),
    }
}
