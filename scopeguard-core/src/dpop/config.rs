//! The DPoP settings of an authentication step (SPEC §3.6).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::Algorithm;

use super::DpopMode;
use super::htu::normalize_uri;
use super::nonce::DpopNonces;
use super::proof_key::{ProofKeyCache, TokenHashCache};
use super::replay::{MemoryReplayStore, ReplayStore};
use crate::error::challenge::DpopChallenge;
use crate::request::TrustedProxies;

/// The DPoP settings of an [`Authenticator`](crate::request::Authenticator).
///
/// ```
/// use std::time::Duration;
/// use scopeguard_core::dpop::{DpopConfig, DpopMode};
///
/// let config = DpopConfig::builder()
///     .mode(DpopMode::Required)
///     .public_origin("https://api.example.com")
///     .iat_window(Duration::from_secs(30))
///     .build()
///     .unwrap();
/// assert_eq!(config.mode(), DpopMode::Required);
/// assert_eq!(config.algorithm_names(), ["ES256", "ES384", "EdDSA", "RS256", "PS256"]);
///
/// let error = DpopConfig::builder().mode(DpopMode::Allowed).build().unwrap_err();
/// assert_eq!(error.problems()[0].label(), "missing_public_origin");
/// ```
#[derive(Clone)]
pub struct DpopConfig {
    pub(crate) mode: DpopMode,
    pub(crate) algorithms: Vec<Algorithm>,
    pub(crate) iat_window: u64,
    pub(crate) leeway: u64,
    pub(crate) public_origin: Box<str>,
    pub(crate) trusted_proxies: TrustedProxies,
    pub(crate) nonces: Option<DpopNonces>,
    pub(crate) replay: Arc<dyn ReplayStore>,
    pub(crate) keys: Arc<ProofKeyCache>,
    pub(crate) token_hashes: Arc<TokenHashCache>,
}

impl DpopConfig {
    /// The default proof algorithms: ES256, ES384, EdDSA, RS256, PS256.
    pub const DEFAULT_ALGORITHMS: [Algorithm; 5] = [
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::EdDSA,
        Algorithm::RS256,
        Algorithm::PS256,
    ];
    /// The default `iat` window: 60 s.
    pub const DEFAULT_IAT_WINDOW: Duration = Duration::from_secs(60);
    /// The default clock leeway: 5 s.
    pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(5);

    /// A builder, from the defaults (mode `Off`).
    pub fn builder() -> DpopConfigBuilder {
        DpopConfigBuilder::default()
    }

    /// DPoP off: bound tokens sent as `Bearer` are still refused.
    pub fn off() -> Self {
        Self {
            mode: DpopMode::Off,
            algorithms: Self::DEFAULT_ALGORITHMS.to_vec(),
            iat_window: Self::DEFAULT_IAT_WINDOW.as_secs(),
            leeway: Self::DEFAULT_LEEWAY.as_secs(),
            public_origin: "".into(),
            trusted_proxies: TrustedProxies::default(),
            nonces: None,
            replay: Arc::new(MemoryReplayStore::default()),
            keys: Arc::new(ProofKeyCache::new(KEY_CACHE_CAPACITY)),
            token_hashes: Arc::new(TokenHashCache::new(TOKEN_HASH_CACHE_CAPACITY)),
        }
    }

    /// The mode.
    pub fn mode(&self) -> DpopMode {
        self.mode
    }

    /// The accepted proof algorithms' names, for challenges and the
    /// metadata document's `dpop_signing_alg_values_supported`.
    pub fn algorithm_names(&self) -> Vec<&'static str> {
        self.algorithms.iter().map(|alg| algorithm_name(*alg)).collect()
    }

    /// The challenge settings of this configuration; `None` when off.
    pub fn challenge(&self) -> Option<DpopChallenge> {
        if self.mode == DpopMode::Off {
            return None;
        }
        DpopChallenge::new(self.algorithm_names(), self.mode == DpopMode::Required)
    }

    /// The nonce maker, when nonces are on.
    pub fn nonces(&self) -> Option<&DpopNonces> {
        self.nonces.as_ref()
    }
}

impl Default for DpopConfig {
    fn default() -> Self {
        Self::off()
    }
}

impl fmt::Debug for DpopConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopConfig")
            .field("mode", &self.mode)
            .field("algorithms", &self.algorithms)
            .field("iat_window", &self.iat_window)
            .field("leeway", &self.leeway)
            .field("public_origin", &self.public_origin)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("nonces", &self.nonces)
            .field("replay", &self.replay)
            .finish_non_exhaustive()
    }
}

const KEY_CACHE_CAPACITY: usize = 1024;
/// Tokens whose `ath` is remembered: a reused token is hashed once.
const TOKEN_HASH_CACHE_CAPACITY: usize = 1024;

/// The JOSE name of `alg`.
pub(crate) fn algorithm_name(alg: Algorithm) -> &'static str {
    #[allow(unreachable_patterns, reason = "jsonwebtoken's Algorithm may grow")]
    match alg {
        Algorithm::HS256 => "HS256",
        Algorithm::HS384 => "HS384",
        Algorithm::HS512 => "HS512",
        Algorithm::ES256 => "ES256",
        Algorithm::ES384 => "ES384",
        Algorithm::RS256 => "RS256",
        Algorithm::RS384 => "RS384",
        Algorithm::RS512 => "RS512",
        Algorithm::PS256 => "PS256",
        Algorithm::PS384 => "PS384",
        Algorithm::PS512 => "PS512",
        Algorithm::EdDSA => "EdDSA",
        _ => "unknown",
    }
}

/// Builds a [`DpopConfig`], reporting every problem at once.
#[derive(Debug, Default)]
#[must_use]
pub struct DpopConfigBuilder {
    mode: DpopMode,
    algorithms: Option<Vec<Algorithm>>,
    iat_window: Option<Duration>,
    leeway: Option<Duration>,
    public_origin: Option<String>,
    trusted_proxies: TrustedProxies,
    nonces: Option<DpopNonces>,
    replay: Option<Arc<dyn ReplayStore>>,
}

impl DpopConfigBuilder {
    /// Sets the mode (default `Off`).
    pub fn mode(mut self, mode: DpopMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets the accepted proof algorithms (default
    /// [`DpopConfig::DEFAULT_ALGORITHMS`]); HMAC algorithms are refused.
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        self.algorithms = Some(algorithms.into_iter().collect());
        self
    }

    /// Sets how old a proof's `iat` may be (default 60 s).
    pub fn iat_window(mut self, window: Duration) -> Self {
        self.iat_window = Some(window);
        self
    }

    /// Sets the clock leeway for `iat`, `nbf` and `exp` (default 5 s).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = Some(leeway);
        self
    }

    /// Sets the public origin (`scheme://host[:port]`) clients address the
    /// service by: `htu` is this plus the request's original path.
    /// Required unless the mode is `Off`.
    pub fn public_origin(mut self, origin: impl Into<String>) -> Self {
        self.public_origin = Some(origin.into());
        self
    }

    /// Sets the peers whose `Forwarded` / `X-Forwarded-Proto` /
    /// `X-Forwarded-Host` headers are believed (default none): addresses,
    /// or a [`TrustedProxies`] list shared with the mTLS settings.
    pub fn trusted_proxies(mut self, proxies: impl Into<TrustedProxies>) -> Self {
        self.trusted_proxies = proxies.into();
        self
    }

    /// Turns server nonces on (default off).
    pub fn nonces(mut self, nonces: DpopNonces) -> Self {
        self.nonces = Some(nonces);
        self
    }

    /// Sets the replay store (default a [`MemoryReplayStore`] of
    /// [`MemoryReplayStore::DEFAULT_CAPACITY`] entries).
    pub fn replay_store(mut self, store: impl ReplayStore) -> Self {
        self.replay = Some(Arc::new(store));
        self
    }

    /// Sets a replay store shared with other configurations.
    pub fn shared_replay_store(mut self, store: Arc<dyn ReplayStore>) -> Self {
        self.replay = Some(store);
        self
    }

    /// Validates the settings and builds the configuration.
    pub fn build(self) -> Result<DpopConfig, DpopConfigError> {
        let mut problems = Vec::new();
        let algorithms = self
            .algorithms
            .unwrap_or_else(|| DpopConfig::DEFAULT_ALGORITHMS.to_vec());
        if algorithms.is_empty()
            || algorithms
                .iter()
                .any(|alg| matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512))
        {
            problems.push(DpopConfigProblem::InvalidAlgorithms);
        }
        let public_origin = match self.public_origin.as_deref().map(origin_of) {
            Some(Some(origin)) => origin,
            Some(None) => {
                problems.push(DpopConfigProblem::InvalidPublicOrigin);
                String::new()
            }
            None if self.mode != DpopMode::Off => {
                problems.push(DpopConfigProblem::MissingPublicOrigin);
                String::new()
            }
            None => String::new(),
        };
        if !problems.is_empty() {
            return Err(DpopConfigError { problems });
        }
        // Proofs are verified with jsonwebtoken: its backend must be chosen.
        crate::validation::jwt::install_crypto_provider();
        let defaults = DpopConfig::off();
        Ok(DpopConfig {
            mode: self.mode,
            algorithms,
            iat_window: self
                .iat_window
                .map_or(defaults.iat_window, |window| window.as_secs()),
            leeway: self.leeway.map_or(defaults.leeway, |leeway| leeway.as_secs()),
            public_origin: public_origin.into_boxed_str(),
            trusted_proxies: self.trusted_proxies,
            nonces: self.nonces,
            replay: self.replay.unwrap_or(defaults.replay),
            keys: defaults.keys,
            token_hashes: defaults.token_hashes,
        })
    }
}

/// `origin` normalised, without a trailing `/`: `None` unless it is an
/// `http(s)` origin with no path, query or fragment.
fn origin_of(origin: &str) -> Option<String> {
    let normalized = normalize_uri(origin)?;
    let without_slash = normalized.strip_suffix('/')?;
    let after_scheme = without_slash.split_once("://")?.1;
    (!after_scheme.contains('/') && !origin.contains(['?', '#'])).then(|| without_slash.to_owned())
}

/// One problem in a [`DpopConfigBuilder`] configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DpopConfigProblem {
    /// No public origin, with DPoP on.
    #[error("DPoP needs the public origin clients address the service by")]
    MissingPublicOrigin,
    /// The public origin is not `scheme://host[:port]`.
    #[error("the DPoP public origin must be http(s)://host[:port] with no path")]
    InvalidPublicOrigin,
    /// No algorithm, or an HMAC one.
    #[error("the DPoP proof algorithms must be asymmetric and at least one")]
    InvalidAlgorithms,
}

impl DpopConfigProblem {
    /// A stable label.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::MissingPublicOrigin => "missing_public_origin",
            Self::InvalidPublicOrigin => "invalid_public_origin",
            Self::InvalidAlgorithms => "invalid_dpop_algorithms",
        }
    }
}

/// Every problem of a [`DpopConfigBuilder`] configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid DPoP configuration: {}", .problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct DpopConfigError {
    problems: Vec<DpopConfigProblem>,
}

impl DpopConfigError {
    /// The problems, in the order found.
    pub fn problems(&self) -> &[DpopConfigProblem] {
        &self.problems
    }
}
