//! Serving the protected-resource metadata document (RFC 9728; SPEC §6).
//!
//! [`service`] answers `GET` and `HEAD` at the document's
//! [`path`](ProtectedResourceMetadata::path) with its JSON. Clients fetch it
//! to learn how to get a token, so it must answer 200 whatever
//! `Authorization` says, an invalid token included: keep it out of the
//! [`AuthMiddleware`](crate::AuthMiddleware). `App::wrap` wraps every
//! service of the app, so register the metadata on the `App` and put the
//! protected routes in a scope that carries the middleware; the metadata
//! comes first, as actix tries services in order and `web::scope("")`
//! matches every path.
//!
//! ```
//! use actix_web::{App, web};
//! use scopeguard_actix::{AuthMiddleware, Authenticator, ChallengeConfig, RequireScope, metadata};
//! use scopeguard_actix::core::inventory::metadata::ProtectedResourceMetadata;
//! # use scopeguard_actix::{AuthError, TokenValidator};
//! # struct MyValidator;
//! # impl TokenValidator for MyValidator {
//! #     async fn validate(&self, _: &str) -> Result<scopeguard_actix::core::Principal, AuthError> {
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
//! let app = App::new()
//!     // Outside authentication.
//!     .service(metadata::service(document))
//!     .service(
//!         web::scope("")
//!             .wrap(AuthMiddleware::from(Authenticator::new(MyValidator).challenge(challenge)))
//!             .service(
//!                 web::resource("/orders/{id}/items")
//!                     .wrap(RequireScope::new("order:item"))
//!                     .route(web::get().to(|| async { "items" })),
//!             ),
//!     );
//! ```

use std::sync::Arc;

use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, Resource, web};
use scopeguard_core::inventory::metadata::ProtectedResourceMetadata;

/// A resource serving `metadata` at its path; register it outside the
/// authentication middleware (see the [module documentation](self)).
pub fn service(metadata: ProtectedResourceMetadata) -> Resource {
    let path = metadata.path().to_owned();
    let metadata = Arc::new(metadata);
    let answer = move || {
        let metadata = Arc::clone(&metadata);
        async move { response(&metadata) }
    };
    web::resource(path)
        .route(web::get().to(answer.clone()))
        .route(web::head().to(answer))
}

/// The 200 answer carrying `metadata` as `application/json`, for serving it
/// from a handler of your own.
pub fn response(metadata: &ProtectedResourceMetadata) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(metadata.to_json())
}
