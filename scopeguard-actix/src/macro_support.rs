//! `#[requires_scope(...)]` for actix-web: the re-exported macro and the
//! extractor its expansion adds to the handler.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use scopeguard_core::request::admit_registered;

use crate::AuthRejection;
use crate::context::ActixRequest;

/// Checks a requirement, written as `#[requires_scope(...)]` on the handler,
/// before the handler's other extractors run.
///
/// The arguments are a requirement in the syntax of SPEC §2.4 with scopes as
/// string literals: `"a"`; several arguments, all required; `any(...)` and
/// `all(...)`, nested freely; template scopes such as `"transaction-{tx}"`,
/// filled from the `match_info` parameter `tx` and then required exactly;
/// the step-up options `max_age = N` and `acr = "..."`. A scope that breaks
/// the grammar, an empty requirement, an unknown option, a malformed
/// template, or a function that is not `async` fails to compile, with the
/// error on the offending argument.
///
/// The handler gains a first parameter, an extractor that answers 401, 403,
/// 400 or 500 per SPEC §4 exactly as [`Scoped`](crate::Scoped) does, with the
/// realm and body of the [`AuthMiddleware`](crate::AuthMiddleware) in front.
/// actix extracts parameters in order and answers the first error, so a
/// caller without the scope gets 403, not the 400 of a bad JSON body. The
/// handler's name, visibility, attributes, generics, parameters and return
/// type stay as written, and the attribute works on associated functions of
/// an `impl` block as well.
///
/// With actix's routing macros (`#[get(...)]`, `#[post(...)]`,
/// `#[route(...)]`, `#[routes]`), either order works; write the routing
/// macro first and `#[requires_scope]` right above the function, as below.
///
/// ```
/// use actix_web::{App, get, put, web};
/// use scopeguard_actix::{AuthMiddleware, requires_scope};
/// # use scopeguard_actix::{AuthError, TokenValidator};
/// # struct MyValidator;
/// # impl TokenValidator for MyValidator {
/// #     async fn validate(&self, _: &str) -> Result<scopeguard_actix::core::Principal, AuthError> {
/// #         Err(AuthError::MissingCredentials)
/// #     }
/// # }
///
/// #[put("/inventory/{id}/price")]
/// #[requires_scope("inventory:price.write")]
/// async fn set_price(id: web::Path<u32>, price: web::Json<u64>) -> String {
///     format!("item {id} now costs {}", price.into_inner())
/// }
///
/// #[get("/reports/sales")]
/// #[requires_scope(any("inventory:sales", "report:read"))]
/// async fn sales() -> &'static str {
///     "sales"
/// }
///
/// #[requires_scope("transaction-{tx}", max_age = 300)]
/// async fn approve(tx: web::Path<String>) -> String {
///     format!("transaction {tx} approved")
/// }
///
/// struct Reports;
///
/// impl Reports {
///     #[requires_scope("report:read", "audit:read")]
///     async fn audit() -> &'static str {
///         "audit"
///     }
/// }
///
/// let app = App::new()
///     .service(set_price)
///     .service(sales)
///     .route("/transactions/{tx}/approve", web::post().to(approve))
///     .route("/reports/audit", web::get().to(Reports::audit))
///     .wrap(AuthMiddleware::new(MyValidator));
/// ```
///
/// The requirements are checked at compile time:
///
/// ```compile_fail
/// #[scopeguard_actix::requires_scope("inventory price")]
/// async fn set_price() -> &'static str { "" }
/// ```
///
/// Every requirement written with the macro is listed by
/// [`registered_requirements`](scopeguard_core::inventory::registry::registered_requirements).
/// The expansion names this crate as `::scopeguard_actix`: depend on it under
/// that name.
pub use scopeguard_macros::requires_scope_actix as requires_scope;

/// The extractor `#[requires_scope]` adds to a handler: checks the
/// requirement registered under `ID` (see `scopeguard_core::inventory::registry`).
#[derive(Debug, Clone, Copy)]
pub struct HandlerRequirement<const ID: u64>(());

impl<const ID: u64> FromRequest for HandlerRequirement<ID> {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, actix_web::Error>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let admitted = admit_registered(ID, &mut ActixRequest::new(request));
        ready(
            admitted
                .map(|()| Self(()))
                .map_err(|denial| AuthRejection::from(denial).into()),
        )
    }
}
