//! The authentication layer for axum: the tower
//! [`AuthLayer`](scopeguard_core::tower::AuthLayer), reading what axum
//! records of a request (SPEC §3.6): the URI before any `nest` stripped a
//! prefix (`OriginalUri`), and the peer address (`ConnectInfo<SocketAddr>`,
//! with `into_make_service_with_connect_info`).

use std::fmt;
use std::sync::Arc;

use axum::extract::OriginalUri;
use scopeguard_core::request::Authenticator;
use scopeguard_core::tower::{AuthService, ExtensionReaders};
use scopeguard_core::validation::TokenValidator;
use tower_layer::Layer;

/// Validates tokens and puts the [`Principal`](scopeguard_core::Principal)
/// into request extensions (see
/// [`scopeguard_core::tower::AuthLayer`]); DPoP proofs name the URI the
/// client sent, before any `nest`.
///
/// ```
/// use axum::{Router, routing::get};
/// use scopeguard_axum::{AuthLayer, Authenticator};
/// # use scopeguard_axum::{AuthError, TokenValidator};
/// # use scopeguard_axum::core::Principal;
/// # struct MyValidator;
/// # impl TokenValidator for MyValidator {
/// #     async fn validate(&self, _: &str) -> Result<Principal, AuthError> { Err(AuthError::MissingCredentials) }
/// # }
/// let app: Router = Router::new()
///     .nest("/api", Router::new().route("/me", get(|| async { "me" })))
///     .layer(AuthLayer::from(Authenticator::new(MyValidator)));
/// ```
#[must_use]
pub struct AuthLayer<V>(scopeguard_core::tower::AuthLayer<V>);

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
        self.0.authenticator()
    }
}

impl<V> From<Authenticator<V>> for AuthLayer<V> {
    fn from(authenticator: Authenticator<V>) -> Self {
        Self(scopeguard_core::tower::AuthLayer::from(authenticator).extension_readers(axum_readers()))
    }
}

fn axum_readers() -> ExtensionReaders {
    ExtensionReaders {
        original_uri: |extensions| extensions.get::<OriginalUri>().map(|original| &original.0),
        peer_ip: peer_ip_of,
    }
}

/// The peer of a server started with `into_make_service_with_connect_info::<SocketAddr>()`.
#[cfg(any(feature = "dpop", feature = "mtls"))]
fn peer_ip_of(extensions: &http::Extensions) -> Option<std::net::IpAddr> {
    use axum::extract::ConnectInfo;

    extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
}

/// Without DPoP or mTLS no one reads the peer.
#[cfg(not(any(feature = "dpop", feature = "mtls")))]
fn peer_ip_of(_: &http::Extensions) -> Option<std::net::IpAddr> {
    None
}

impl<S, V> Layer<S> for AuthLayer<V> {
    type Service = AuthService<S, V>;

    fn layer(&self, inner: S) -> Self::Service {
        self.0.layer(inner)
    }
}

impl<V> Clone for AuthLayer<V> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<V> fmt::Debug for AuthLayer<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
