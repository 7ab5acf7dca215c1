use std::fmt;
use std::sync::Arc;

use tower_layer::Layer;

use super::AuthService;
use super::head::ExtensionReaders;
use crate::request::Authenticator;
use crate::validation::TokenValidator;

/// Validates bearer tokens and puts the [`Principal`](crate::Principal) into
/// request extensions: the [`Authenticator`] as a tower layer.
///
/// - No credentials: the request passes on without a principal.
/// - Malformed credentials or an invalid token: answered at once (400/401).
/// - A token that cannot be checked now (key server down): 503.
///
/// Every request also carries the authenticator's
/// [`DenialRenderer`](crate::error::DenialRenderer) (attached to the
/// principal, or on its own), so scope checks further in answer with the
/// same realm and body.
///
/// ```
/// use scopeguard_core::request::Authenticator;
/// use scopeguard_core::tower::AuthLayer;
/// use scopeguard_core::{BearerConfig, ChallengeConfig, Principal, AuthError, TokenValidator};
///
/// # struct MyValidator;
/// # impl TokenValidator for MyValidator {
/// #     async fn validate(&self, _: &str) -> Result<Principal, AuthError> { Ok(Principal::builder().build()) }
/// # }
/// let plain = AuthLayer::new(MyValidator);
/// let configured = AuthLayer::from(
///     Authenticator::new(MyValidator)
///         .challenge(ChallengeConfig::builder().realm("inventory").build().unwrap())
///         .bearer(BearerConfig::new().max_header_len(4096))
///         .skip_cors_preflight(true),
/// );
/// ```
#[must_use]
pub struct AuthLayer<V> {
    authenticator: Arc<Authenticator<V>>,
    readers: ExtensionReaders,
}

impl<V: TokenValidator> AuthLayer<V> {
    /// A layer validating tokens with `validator`, with the default
    /// settings (see [`Authenticator`] for the others).
    pub fn new(validator: V) -> Self {
        Authenticator::new(validator).into()
    }

    /// A layer sharing a validator with other layers or extractors.
    pub fn from_shared(validator: Arc<V>) -> Self {
        Authenticator::from_shared(validator).into()
    }
}

impl<V> AuthLayer<V> {
    /// The authentication step this layer runs.
    pub fn authenticator(&self) -> &Authenticator<V> {
        &self.authenticator
    }

    /// Reads the original URI and the peer address from what the framework
    /// leaves in extensions (for DPoP's `htu` and trusted proxies). The
    /// axum adapter's layer sets them for axum.
    pub fn extension_readers(mut self, readers: ExtensionReaders) -> Self {
        self.readers = readers;
        self
    }
}

impl<V> From<Authenticator<V>> for AuthLayer<V> {
    fn from(authenticator: Authenticator<V>) -> Self {
        Self {
            authenticator: Arc::new(authenticator),
            readers: ExtensionReaders::default(),
        }
    }
}

impl<S, V> Layer<S> for AuthLayer<V> {
    type Service = AuthService<S, V>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService::new(inner, Arc::clone(&self.authenticator), self.readers)
    }
}

impl<V> Clone for AuthLayer<V> {
    fn clone(&self) -> Self {
        Self {
            authenticator: Arc::clone(&self.authenticator),
            readers: self.readers,
        }
    }
}

impl<V> fmt::Debug for AuthLayer<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthLayer")
            .field("authenticator", &self.authenticator)
            .field("readers", &self.readers)
            .finish()
    }
}
