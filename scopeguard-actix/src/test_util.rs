//! Testing support (SPEC §8): an in-memory issuer whose tokens drive an
//! actix-web service in a plain `#[actix_web::test]`, with no network.
//!
//! This is [`scopeguard_core::test_util`], re-exported. Enable it for tests
//! only:
//!
//! ```toml
//! [dev-dependencies]
//! scopeguard-actix = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! Build the app with [`TestIssuer::validator`] where production code passes
//! its own validator, mint tokens with the scopes a case needs, and call it
//! with `actix_web::test`:
//!
//! ```
//! use actix_web::http::StatusCode;
//! use actix_web::{App, test, web};
//! use scopeguard_actix::test_util::TestIssuer;
//! use scopeguard_actix::{AuthMiddleware, RequireScope};
//!
//! // #[actix_web::test]
//! async fn reading_items_needs_order_item() {
//!     let issuer = TestIssuer::new();
//!     let app = test::init_service(
//!         App::new()
//!             .service(
//!                 web::resource("/orders/{id}/items")
//!                     .wrap(RequireScope::new("order:item"))
//!                     .route(web::get().to(|| async { "items" })),
//!             )
//!             .wrap(AuthMiddleware::new(issuer.validator())),
//!     )
//!     .await;
//!
//!     for (token, expected) in [
//!         (issuer.token().scopes("order").sign(), StatusCode::OK),
//!         (issuer.token().scopes("inventory").sign(), StatusCode::FORBIDDEN),
//!         (issuer.token().scopes("order").expired().sign(), StatusCode::UNAUTHORIZED),
//!     ] {
//!         let request = test::TestRequest::get()
//!             .uri("/orders/42/items")
//!             .insert_header(("authorization", format!("Bearer {token}")))
//!             .to_request();
//!         assert_eq!(test::call_service(&app, request).await.status(), expected);
//!     }
//! }
//! # #[actix_web::main]
//! # async fn main() {
//! #     reading_items_needs_order_item().await;
//! # }
//! ```

pub use scopeguard_core::test_util::*;
