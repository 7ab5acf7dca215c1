use std::fmt;
use std::sync::Arc;

use tower_layer::Layer;

use super::AuthService;
use crate::bearer::BearerConfig;
use crate::challenge::{ChallengeConfig, ErrorBody};
use crate::renderer::DenialRenderer;
use crate::validator::TokenValidator;

/// Validates bearer tokens and puts the [`Principal`](crate::Principal) into
/// request extensions.
///
/// - No credentials: the request passes on without a principal.
/// - Malformed credentials or an invalid token: answered at once (400/401).
/// - A token that cannot be checked now (key server down): 503.
///
/// Every request also gets the layer's
/// [`DenialRenderer`] in its extensions, so scope checks further in answer
/// with the same realm and body.
///
/// ```
/// use scopeguard_core::tower::AuthLayer;
/// use scopeguard_core::{BearerConfig, ChallengeConfig, Principal, AuthError, TokenValidator};
///
/// # struct MyValidator;
/// # impl TokenValidator for MyValidator {
/// #     async fn validate(&self, _: &str) -> Result<Principal, AuthError> { Ok(Principal::builder().build()) }
/// # }
/// let layer = AuthLayer::new(MyValidator)
///     .challenge(ChallengeConfig::builder().realm("inventory").build().unwrap())
///     .bearer(BearerConfig::new().max_header_len(4096))
///     .skip_cors_preflight(true);
/// ```
#[must_use]
pub struct AuthLayer<V> {
    validator: Arc<V>,
    bearer: BearerConfig,
    renderer: DenialRenderer,
    skip_cors_preflight: bool,
}

impl<V: TokenValidator> AuthLayer<V> {
    /// A layer validating tokens with `validator`.
    pub fn new(validator: V) -> Self {
        Self::from_shared(Arc::new(validator))
    }

    /// A layer sharing a validator with other layers or extractors.
    pub fn from_shared(validator: Arc<V>) -> Self {
        Self {
            validator,
            bearer: BearerConfig::default(),
            renderer: DenialRenderer::default(),
            skip_cors_preflight: false,
        }
    }
}

impl<V> AuthLayer<V> {
    /// Sets the realm and resource-metadata URL of challenges.
    pub fn challenge(mut self, challenge: ChallengeConfig) -> Self {
        self.renderer = DenialRenderer::new(challenge);
        self
    }

    /// Replaces the body of every error response (status and challenge stay).
    pub fn error_body(mut self, body: impl ErrorBody + Send + Sync + 'static) -> Self {
        self.renderer = self.renderer.with_error_body(body);
        self
    }

    /// Sets how the bearer token is taken from the request.
    pub fn bearer(mut self, bearer: BearerConfig) -> Self {
        self.bearer = bearer;
        self
    }

    /// When `true`, CORS preflight requests (`OPTIONS` with
    /// `Access-Control-Request-Method`) pass on untouched, never challenged.
    /// Put a CORS layer outside this one to answer them.
    pub fn skip_cors_preflight(mut self, skip: bool) -> Self {
        self.skip_cors_preflight = skip;
        self
    }
}

impl<S, V> Layer<S> for AuthLayer<V> {
    type Service = AuthService<S, V>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService::new(
            inner,
            Arc::clone(&self.validator),
            self.bearer.clone(),
            self.renderer.clone(),
            self.skip_cors_preflight,
        )
    }
}

impl<V> Clone for AuthLayer<V> {
    fn clone(&self) -> Self {
        Self {
            validator: Arc::clone(&self.validator),
            bearer: self.bearer.clone(),
            renderer: self.renderer.clone(),
            skip_cors_preflight: self.skip_cors_preflight,
        }
    }
}

impl<V> fmt::Debug for AuthLayer<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthLayer")
            .field("validator", &std::any::type_name::<V>())
            .field("bearer", &self.bearer)
            .field("renderer", &self.renderer)
            .field("skip_cors_preflight", &self.skip_cors_preflight)
            .finish()
    }
}
