//! `#[requires_scope(...)]` for axum: the re-exported macro and the
//! extractor its expansion adds to the handler.

use axum::extract::FromRequestParts;
use http::request::Parts;
use scopeguard_core::request::admit_registered;

use crate::AuthRejection;
use crate::context::AxumRequest;

/// Checks a requirement, written as `#[requires_scope(...)]` on the handler,
/// before the handler's other extractors run.
///
/// The arguments are a requirement in the syntax of SPEC §2.4 with scopes as
/// string literals: `"a"`; several arguments, all required; `any(...)` and
/// `all(...)`, nested freely; template scopes such as `"transaction-{tx}"`,
/// filled from the matched route's path parameter `tx` and then required
/// exactly; the step-up options `max_age = N` and `acr = "..."`. A scope that
/// breaks the grammar, an empty requirement, an unknown option, a malformed
/// template, or a function that is not `async` fails to compile, with the
/// error on the offending argument.
///
/// The handler gains a first parameter, an extractor that answers 401, 403,
/// 400 or 500 per SPEC §4 exactly as [`Scoped`](crate::Scoped) does, with the
/// realm and body of the [`AuthLayer`](crate::AuthLayer) in front. It runs
/// before every other extractor, so a caller without the scope gets 403, not
/// the 422 of a bad JSON body. The handler's name, visibility, attributes,
/// generics, parameters and return type stay as written, and the attribute
/// works on associated functions of an `impl` block as well.
///
/// ```
/// use axum::extract::Path;
/// use axum::routing::{get, post, put};
/// use axum::{Json, Router};
/// use scopeguard_axum::{AuthLayer, requires_scope};
/// # use scopeguard_axum::{AuthError, TokenValidator};
/// # struct MyValidator;
/// # impl TokenValidator for MyValidator {
/// #     async fn validate(&self, _: &str) -> Result<scopeguard_axum::core::Principal, AuthError> {
/// #         Err(AuthError::MissingCredentials)
/// #     }
/// # }
///
/// #[requires_scope("inventory:price.write")]
/// async fn set_price(Path(id): Path<u32>, Json(price): Json<u64>) -> String {
///     format!("item {id} now costs {price}")
/// }
///
/// #[requires_scope(any("inventory:sales", "report:read"))]
/// async fn sales() -> &'static str {
///     "sales"
/// }
///
/// #[requires_scope("transaction-{tx}", max_age = 300)]
/// async fn approve(Path(tx): Path<String>) -> String {
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
/// let app: Router = Router::new()
///     .route("/inventory/{id}/price", put(set_price))
///     .route("/reports/sales", get(sales))
///     .route("/reports/audit", get(Reports::audit))
///     .route("/transactions/{tx}/approve", post(approve))
///     .layer(AuthLayer::new(MyValidator));
/// ```
///
/// With `#[axum::debug_handler]`, write `#[requires_scope]` above it, so the
/// debug checks see the added parameter. The other order does not compile:
/// `debug_handler` runs first and checks the handler as written, then calls
/// it with one argument too few once `requires_scope` has added its
/// parameter (`error[E0061]: this function takes 2 arguments but 1 argument
/// was supplied`, pointing at `#[axum::debug_handler]`). Neither macro can
/// see the other in that order, so the error cannot be made clearer.
///
/// ```
/// use axum::extract::Path;
/// use scopeguard_axum::requires_scope;
///
/// #[requires_scope("order:item")]
/// #[axum::debug_handler]
/// async fn items(Path(id): Path<u32>) -> String {
///     format!("items of order {id}")
/// }
/// ```
///
/// The requirements are checked at compile time:
///
/// ```compile_fail
/// #[scopeguard_axum::requires_scope("inventory price")]
/// async fn set_price() {}
/// ```
///
/// Every requirement written with the macro is listed by
/// [`registered_requirements`](scopeguard_core::inventory::registry::registered_requirements).
/// The expansion names this crate as `::scopeguard_axum`: depend on it under
/// that name.
pub use scopeguard_macros::requires_scope_axum as requires_scope;

/// The extractor `#[requires_scope]` adds to a handler: checks the
/// requirement registered under `ID` (see `scopeguard_core::inventory::registry`).
#[derive(Debug, Clone, Copy)]
pub struct HandlerRequirement<const ID: u64>(());

impl<S: Send + Sync, const ID: u64> FromRequestParts<S> for HandlerRequirement<ID> {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AuthRejection> {
        admit_registered(ID, &mut AxumRequest(parts))?;
        Ok(Self(()))
    }
}
