//! The validators and the scope policy of the conformance servers (SPEC §7).

use std::sync::Arc;

use scopeguard_core::IntrospectionValidator;
use scopeguard_core::scopes::policy::{PolicyError, ScopePolicy};
use scopeguard_core::validation::jwt::{Algorithm, JwtValidator};
use scopeguard_core::validation::keys::{JwksSource, KeySource};

use super::StartupError;
use super::config::{ConformanceConfig, IntrospectionSettings, KeyLocation};

/// The algorithms the servers accept: RS256/384/512, PS256/384/512,
/// ES256/384 and `EdDSA`.
pub const ALGORITHMS: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// The default policy of SPEC §2.3 plus the implication
/// `admin:write ⇒ user:write`.
pub fn policy() -> Result<ScopePolicy, PolicyError> {
    ScopePolicy::builder()
        .implies("admin:write", ["user:write"])
        .build()
}

/// The JWT validator: the configured issuer, with keys from its JWKS URL or
/// found by discovery (fetched once before this returns; a failed first
/// fetch is logged and retried in the background), and the configured
/// audience, leeway and cooldown.
///
/// Must run inside the tokio runtime that serves the requests.
pub async fn jwt_validator(
    config: &ConformanceConfig,
    policy: Arc<ScopePolicy>,
) -> Result<JwtValidator, StartupError> {
    let mut keys = match &config.keys {
        KeyLocation::JwksUrl(url) => JwksSource::builder(url.as_str()),
        KeyLocation::Discovery => JwksSource::discover(config.issuer.as_str()),
    };
    if let Some(cooldown) = config.jwks_cooldown {
        keys = keys.cooldown(cooldown);
    }
    let keys: Arc<dyn KeySource> = Arc::new(keys.build().await?);
    let mut validator = JwtValidator::builder()
        .issuer_with_shared_keys(config.issuer.as_str(), keys)
        .audience(config.audience.as_str())
        .algorithms(ALGORITHMS)
        .policy(policy);
    if let Some(leeway) = config.leeway {
        validator = validator.leeway(leeway);
    }
    Ok(validator.build()?)
}

/// The introspection validator of the `/introspected/...` route: the
/// configured endpoint and credentials, issuer, audience and leeway.
///
/// Must run inside a tokio runtime.
pub fn introspection_validator(
    config: &ConformanceConfig,
    settings: &IntrospectionSettings,
    policy: Arc<ScopePolicy>,
) -> Result<IntrospectionValidator, StartupError> {
    let mut validator = IntrospectionValidator::builder(settings.url.as_str())
        .client_credentials(settings.client_id.as_str(), settings.client_secret.as_str())
        .issuer(config.issuer.as_str())
        .audience(config.audience.as_str())
        .policy(policy);
    if let Some(leeway) = config.leeway {
        validator = validator.leeway(leeway);
    }
    Ok(validator.build()?)
}

#[cfg(test)]
mod tests {
    use scopeguard_core::{GrantedScopes, Requirement};

    use super::*;

    fn allows(granted: &str, required: &str) -> bool {
        let granted: GrantedScopes = granted.parse().expect("valid scopes");
        let required = Requirement::parse(required).expect("a valid requirement");
        policy()
            .expect("a valid policy")
            .check(&granted, &required, &())
            .is_ok()
    }

    #[test]
    fn admin_write_implies_user_write() {
        assert!(allows("admin:write", "user:write"));
        assert!(allows("admin", "user:write"));
        assert!(!allows("admin:read", "user:write"));
    }

    #[test]
    fn the_rest_is_the_default_policy() {
        assert!(allows("order", "order:item"));
        assert!(!allows("inventory", "inventory:price.write"));
    }
}
