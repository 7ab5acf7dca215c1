//! Testing support (SPEC §8): an in-memory issuer whose tokens drive a
//! router in a plain `#[tokio::test]`, with no network.
//!
//! This is [`scopeguard_core::test_util`], re-exported. Enable it for tests
//! only:
//!
//! ```toml
//! [dev-dependencies]
//! scopeguard-axum = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! Build the router with [`TestIssuer::validator`] where production code
//! passes its own validator, mint tokens with the scopes a case needs, and
//! send requests with `tower::ServiceExt::oneshot`:
//!
//! ```
//! use axum::body::Body;
//! use axum::http::{Request, StatusCode};
//! use axum::{Router, routing::get};
//! use scopeguard_axum::test_util::TestIssuer;
//! use scopeguard_axum::{AuthLayer, JwtValidator, RequireScope};
//! use tower::ServiceExt as _;
//!
//! /// The application, as `main` builds it with its own validator.
//! fn app(validator: JwtValidator) -> Router {
//!     Router::new()
//!         .route("/orders/{id}/items", get(|| async { "items" }))
//!         .route_layer(RequireScope::new("order:item"))
//!         .layer(AuthLayer::new(validator))
//! }
//!
//! async fn status(app: &Router, token: &str) -> StatusCode {
//!     let request = Request::get("/orders/42/items")
//!         .header("authorization", format!("Bearer {token}"))
//!         .body(Body::empty())
//!         .unwrap();
//!     app.clone().oneshot(request).await.unwrap().status()
//! }
//!
//! // #[tokio::test]
//! async fn reading_items_needs_order_item() {
//!     let issuer = TestIssuer::new();
//!     let app = app(issuer.validator());
//!
//!     let reader = issuer.token().scopes("order").sign();
//!     assert_eq!(status(&app, &reader).await, StatusCode::OK);
//!
//!     let other = issuer.token().scopes("inventory").sign();
//!     assert_eq!(status(&app, &other).await, StatusCode::FORBIDDEN);
//!
//!     let expired = issuer.token().scopes("order").expired().sign();
//!     assert_eq!(status(&app, &expired).await, StatusCode::UNAUTHORIZED);
//! }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! #     reading_items_needs_order_item().await;
//! # }
//! ```

pub use scopeguard_core::test_util::*;
