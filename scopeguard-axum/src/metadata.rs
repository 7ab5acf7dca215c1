//! Serving the protected-resource metadata document (RFC 9728; SPEC §6).
//!
//! [`router`] answers `GET` (and `HEAD`) at the document's
//! [`path`](ProtectedResourceMetadata::path) with its JSON. Merge it **after**
//! the [`AuthLayer`](crate::AuthLayer) is added, so the layer does not wrap
//! it: clients fetch the document to learn how to get a token, and it must
//! answer 200 whatever `Authorization` says, an invalid token included.
//!
//! ```
//! use axum::{Router, routing::get};
//! use scopeguard_axum::{AuthLayer, Authenticator, ChallengeConfig, RequireScope, metadata};
//! use scopeguard_axum::core::inventory::metadata::ProtectedResourceMetadata;
//! # use scopeguard_axum::{AuthError, TokenValidator};
//! # struct MyValidator;
//! # impl TokenValidator for MyValidator {
//! #     async fn validate(&self, _: &str) -> Result<scopeguard_axum::core::Principal, AuthError> {
//! #         Err(AuthError::MissingCredentials)
//! #     }
//! # }
//!
//! let document = ProtectedResourceMetadata::builder("https://api.example.com")
//!     .authorization_server("https://auth.example.com")
//!     .scopes_from_app()
//!     .build()
//!     .unwrap();
//! let challenge = ChallengeConfig::builder()
//!     .resource_metadata(document.url())
//!     .build()
//!     .unwrap();
//!
//! let app: Router = Router::new()
//!     .route("/orders/{id}/items", get(|| async { "items" }))
//!     .route_layer(RequireScope::new("order:item"))
//!     .layer(AuthLayer::from(Authenticator::new(MyValidator).challenge(challenge)))
//!     // After the layer: outside authentication.
//!     .merge(metadata::router(document));
//! ```

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use axum::routing::get;
use http::{HeaderValue, StatusCode, header};
use scopeguard_core::inventory::metadata::ProtectedResourceMetadata;

/// A router serving `metadata` at its path; merge it outside the
/// authentication layer (see the [module documentation](self)).
///
/// # Panics
///
/// Panics, when the router is built, if a segment of the resource's path
/// starts with `:` or `*`, which axum refuses in route paths; serve such a
/// document from your own route with [`response`].
pub fn router<S>(metadata: ProtectedResourceMetadata) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let path = metadata.path().to_owned();
    let metadata = Arc::new(metadata);
    Router::new().route(
        &path,
        get(move || {
            let metadata = Arc::clone(&metadata);
            async move { response(&metadata) }
        }),
    )
}

/// The 200 answer carrying `metadata` as `application/json`, for serving it
/// from a handler of your own.
pub fn response(metadata: &ProtectedResourceMetadata) -> Response {
    let mut response = Response::new(Body::from(metadata.to_json()));
    *response.status_mut() = StatusCode::OK;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
