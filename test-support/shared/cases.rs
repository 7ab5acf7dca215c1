//! The SPEC §4 table as cases, run against an axum app and an actix app built
//! the same way: identical expectations, so identical answers.
//!
//! Both apps serve, behind the authentication middleware with realm `parity`:
//!
//! | route | requirement | mechanism |
//! | --- | --- | --- |
//! | `GET /orders/{id}/items` | `order:item` | scope middleware |
//! | `GET /orders/{id}/shipping/address` | `order:shipping:address` | `Scoped<R>` |
//! | `POST /transactions/{tx}/approve` | `transaction-{tx}` | scope middleware |
//! | `POST /payments` | `payment.write`, `max_age = 300` | `Scoped<R>` |
//! | `GET /reports/sales` | `any(inventory:sales, report:read)` | `Scoped<R>` |
//! | `POST /wire-transfers` | `payment.write`, `max_age = 300`, `acr = "phr"` | `Scoped<R>` |
//! | `PUT /inventory/{id}/price` | `inventory:price.write` | `#[requires_scope]` |
//! | `POST /refunds/{tx}` | `transaction-{tx}` | `#[requires_scope]` |
//! | `POST /card-payments` | `payment.write`, `acr = "phr"` | `#[requires_scope]` |
//! | `GET /audit/log` | `"admin:read", "audit:read"` (several arguments) | `#[requires_scope]` |
//! | `GET /audit/summary` | `any(all("admin:read", "audit:read"), "report:read")` | `#[requires_scope]` |
//! | `GET /me` | a caller | `Principal` |
//! | `GET /health` | none | — |
//!
//! [`CASES`] and [`DECODED_TEMPLATE_CASES`] run against apps with realm
//! `parity`; [`METADATA_CASES`] against the same apps with a
//! resource-metadata URL ([`RESOURCE_METADATA`]) as well.

#[path = "decoded_template_cases.rs"]
mod decoded_template_cases;

pub(crate) use decoded_template_cases::DECODED_TEMPLATE_CASES;

/// One request and the exact answer expected.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Case {
    /// What the case checks.
    pub(crate) name: &'static str,
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    /// The whole `Authorization` value, if any.
    pub(crate) authorization: Option<&'static str>,
    /// How the `Authorization` value is sent.
    pub(crate) sending: Sending,
    pub(crate) status: u16,
    pub(crate) challenge: Option<&'static str>,
    pub(crate) retry_after: Option<&'static str>,
    /// The exact body; `None` for handler answers not compared.
    pub(crate) body: Option<&'static str>,
}

/// How a case sends its `Authorization` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sending {
    /// One header, the value as written.
    Once,
    /// The same header twice.
    Twice,
    /// One header: the value as written followed by 9000 `a`s, over the
    /// 8 KiB limit.
    Oversized,
}

impl Case {
    /// The `Authorization` header values to send, as bytes (non-ASCII
    /// values are sent as they are).
    pub(crate) fn authorization_values(&self) -> Vec<Vec<u8>> {
        match (self.authorization, self.sending) {
            (None, _) => Vec::new(),
            (Some(value), Sending::Once) => vec![value.as_bytes().to_vec()],
            (Some(value), Sending::Twice) => vec![value.as_bytes().to_vec(); 2],
            (Some(value), Sending::Oversized) => vec![format!("{value}{}", "a".repeat(9000)).into_bytes()],
        }
    }

    /// Asserts an answer is this case's: status, `WWW-Authenticate` and
    /// `Retry-After` exactly, and, where the case has a body, the body and
    /// `Content-Type: application/json`; each failure names the case.
    ///
    /// `answer` is the status, `WWW-Authenticate`, `Retry-After`,
    /// `Content-Type` and body of the answer (`Answer::parts` in the
    /// adapters' test support).
    pub(crate) fn assert_answer(
        &self,
        (status, challenge, retry_after, content_type, body): (
            u16,
            Option<&str>,
            Option<&str>,
            Option<&str>,
            &str,
        ),
    ) {
        assert_eq!(status, self.status, "{}", self.name);
        assert_eq!(challenge, self.challenge, "{}", self.name);
        assert_eq!(retry_after, self.retry_after, "{}", self.name);
        if let Some(expected) = self.body {
            assert_eq!(body, expected, "{}", self.name);
            assert_eq!(content_type, Some("application/json"), "{}", self.name);
        }
    }
}

/// The resource-metadata URL of the apps [`METADATA_CASES`] run against.
pub(crate) const RESOURCE_METADATA: &str = "https://api.example/.well-known/oauth-protected-resource";

const MISSING: &str = r#"{"error":"missing_token","error_description":"no bearer token"}"#;
const MALFORMED_CHALLENGE: &str =
    r#"Bearer realm="parity", error="invalid_request", error_description="the bearer token is malformed""#;
const MALFORMED: &str = r#"{"error":"invalid_request","error_description":"the bearer token is malformed"}"#;
const EXPIRED_CHALLENGE: &str =
    r#"Bearer realm="parity", error="invalid_token", error_description="the token has expired""#;
const EXPIRED: &str = r#"{"error":"invalid_token","error_description":"the token has expired"}"#;
const TWO_HEADERS_CHALLENGE: &str = r#"Bearer realm="parity", error="invalid_request", error_description="the request has more than one Authorization header""#;
const TWO_HEADERS: &str =
    r#"{"error":"invalid_request","error_description":"the request has more than one Authorization header"}"#;
const OVERSIZED_CHALLENGE: &str = r#"Bearer realm="parity", error="invalid_token", error_description="the Authorization header is too large""#;
const OVERSIZED: &str =
    r#"{"error":"invalid_token","error_description":"the Authorization header is too large"}"#;
const NON_ASCII_CHALLENGE: &str = r#"Bearer realm="parity", error="invalid_request", error_description="the Authorization header is not ASCII""#;
const NON_ASCII: &str =
    r#"{"error":"invalid_request","error_description":"the Authorization header is not ASCII"}"#;
const STEP_UP: &str =
    r#"{"error":"insufficient_user_authentication","error_description":"the user must authenticate again"}"#;
const UNAVAILABLE: &str = r#"{"error":"temporarily_unavailable","error_description":"the signing keys are temporarily unavailable"}"#;

const fn case(
    name: &'static str,
    method: &'static str,
    path: &'static str,
    authorization: Option<&'static str>,
) -> Case {
    Case {
        name,
        method,
        path,
        authorization,
        sending: Sending::Once,
        status: 200,
        challenge: None,
        retry_after: None,
        body: None,
    }
}

const fn denied(mut case: Case, status: u16, challenge: Option<&'static str>, body: &'static str) -> Case {
    case.status = status;
    case.challenge = challenge;
    case.body = Some(body);
    case
}

/// Every row of SPEC §4, on each mechanism.
pub(crate) const CASES: &[Case] = &[
    denied(
        case("no credentials, middleware", "GET", "/orders/1/items", None),
        401,
        Some(r#"Bearer realm="parity""#),
        MISSING,
    ),
    denied(
        case(
            "no credentials, extractor",
            "GET",
            "/orders/1/shipping/address",
            None,
        ),
        401,
        Some(r#"Bearer realm="parity""#),
        MISSING,
    ),
    denied(
        case("no credentials, principal", "GET", "/me", None),
        401,
        Some(r#"Bearer realm="parity""#),
        MISSING,
    ),
    denied(
        case(
            "another scheme is no credentials",
            "GET",
            "/orders/1/items",
            Some("Basic dXNlcjpwYXNz"),
        ),
        401,
        Some(r#"Bearer realm="parity""#),
        MISSING,
    ),
    denied(
        case("malformed token", "GET", "/orders/1/items", Some("Bearer a,b")),
        400,
        Some(MALFORMED_CHALLENGE),
        MALFORMED,
    ),
    denied(
        case("empty token", "GET", "/me", Some("Bearer ")),
        400,
        Some(
            r#"Bearer realm="parity", error="invalid_request", error_description="the bearer token is empty""#,
        ),
        r#"{"error":"invalid_request","error_description":"the bearer token is empty"}"#,
    ),
    denied(
        case(
            "expired token, middleware",
            "GET",
            "/orders/1/items",
            Some("Bearer expired"),
        ),
        401,
        Some(EXPIRED_CHALLENGE),
        EXPIRED,
    ),
    denied(
        case(
            "expired token, extractor",
            "GET",
            "/orders/1/shipping/address",
            Some("Bearer expired"),
        ),
        401,
        Some(EXPIRED_CHALLENGE),
        EXPIRED,
    ),
    denied(
        case(
            "expired token on a public route",
            "GET",
            "/health",
            Some("Bearer expired"),
        ),
        401,
        Some(EXPIRED_CHALLENGE),
        EXPIRED,
    ),
    denied(
        case("forged token", "GET", "/me", Some("Bearer forged")),
        401,
        Some(
            r#"Bearer realm="parity", error="invalid_token", error_description="the token's signature is invalid""#,
        ),
        r#"{"error":"invalid_token","error_description":"the token's signature is invalid"}"#,
    ),
    Case {
        retry_after: Some("30"),
        ..denied(
            case(
                "key set unavailable",
                "GET",
                "/orders/1/items",
                Some("Bearer keys-down"),
            ),
            503,
            None,
            UNAVAILABLE,
        )
    },
    denied(
        case(
            "scope missing, middleware",
            "GET",
            "/orders/1/items",
            Some("Bearer nobody"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="order:item""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"order:item"}"#,
    ),
    denied(
        case(
            "scope missing, extractor",
            "GET",
            "/orders/1/shipping/address",
            Some("Bearer writer"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="order:shipping:address""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"order:shipping:address"}"#,
    ),
    denied(
        case(
            "any names its first alternative",
            "GET",
            "/reports/sales",
            Some("Bearer reader"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="inventory:sales""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"inventory:sales"}"#,
    ),
    denied(
        case(
            "template filled from the path",
            "POST",
            "/transactions/7/approve",
            Some("Bearer tx42"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="transaction-7""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"transaction-7"}"#,
    ),
    denied(
        case(
            "template value breaking the grammar",
            "POST",
            "/transactions/4%2042/approve",
            Some("Bearer tx42"),
        ),
        403,
        Some(r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope""#),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope"}"#,
    ),
    denied(
        case(
            "template value that is not UTF-8 once decoded",
            "POST",
            "/transactions/%FF/approve",
            Some("Bearer tx42"),
        ),
        403,
        Some(r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope""#),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope"}"#,
    ),
    denied(
        case(
            "template value that is not UTF-8 once decoded, macro",
            "POST",
            "/refunds/%C3%28",
            Some("Bearer tx42"),
        ),
        403,
        Some(r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope""#),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope"}"#,
    ),
    denied(
        case("step-up needed", "POST", "/payments", Some("Bearer stale-clerk")),
        401,
        Some(
            r#"Bearer realm="parity", error="insufficient_user_authentication", error_description="the user must authenticate again", max_age="300""#,
        ),
        r#"{"error":"insufficient_user_authentication","error_description":"the user must authenticate again"}"#,
    ),
    denied(
        case(
            "scopes are checked before step-up",
            "POST",
            "/payments",
            Some("Bearer reader"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="payment.write""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"payment.write"}"#,
    ),
    Case {
        sending: Sending::Twice,
        ..denied(
            case("two Authorization headers", "GET", "/me", Some("Bearer reader")),
            400,
            Some(TWO_HEADERS_CHALLENGE),
            TWO_HEADERS,
        )
    },
    Case {
        sending: Sending::Oversized,
        ..denied(
            case("an Authorization value over 8 KiB", "GET", "/me", Some("Bearer ")),
            401,
            Some(OVERSIZED_CHALLENGE),
            OVERSIZED,
        )
    },
    denied(
        case(
            "a non-ASCII Authorization value",
            "GET",
            "/me",
            Some("Bearer t\u{f6}ken"),
        ),
        400,
        Some(NON_ASCII_CHALLENGE),
        NON_ASCII,
    ),
    denied(
        // The challenge names everything the new token must satisfy (RFC 9470 §3).
        case(
            "step-up needs an acr value",
            "POST",
            "/wire-transfers",
            Some("Bearer clerk"),
        ),
        401,
        Some(
            r#"Bearer realm="parity", error="insufficient_user_authentication", error_description="the user must authenticate again", max_age="300", acr_values="phr""#,
        ),
        STEP_UP,
    ),
    denied(
        case(
            "step-up needs recent authentication and an acr value",
            "POST",
            "/wire-transfers",
            Some("Bearer stale-clerk"),
        ),
        401,
        Some(
            r#"Bearer realm="parity", error="insufficient_user_authentication", error_description="the user must authenticate again", max_age="300", acr_values="phr""#,
        ),
        STEP_UP,
    ),
    denied(
        case("no credentials, macro", "PUT", "/inventory/1/price", None),
        401,
        Some(r#"Bearer realm="parity""#),
        MISSING,
    ),
    denied(
        case(
            "malformed token, macro",
            "PUT",
            "/inventory/1/price",
            Some("Bearer a,b"),
        ),
        400,
        Some(MALFORMED_CHALLENGE),
        MALFORMED,
    ),
    denied(
        case(
            "expired token, macro",
            "PUT",
            "/inventory/1/price",
            Some("Bearer expired"),
        ),
        401,
        Some(EXPIRED_CHALLENGE),
        EXPIRED,
    ),
    Case {
        retry_after: Some("30"),
        ..denied(
            case(
                "key set unavailable, macro",
                "PUT",
                "/inventory/1/price",
                Some("Bearer keys-down"),
            ),
            503,
            None,
            UNAVAILABLE,
        )
    },
    denied(
        case(
            "read does not cover write, macro",
            "PUT",
            "/inventory/1/price",
            Some("Bearer reader"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="inventory:price.write""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"inventory:price.write"}"#,
    ),
    denied(
        case(
            "template filled from the path, macro",
            "POST",
            "/refunds/7",
            Some("Bearer tx42"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="transaction-7""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"transaction-7"}"#,
    ),
    case(
        "write scope granted, macro",
        "PUT",
        "/inventory/1/price",
        Some("Bearer writer"),
    ),
    case(
        "template scope granted, macro",
        "POST",
        "/refunds/42",
        Some("Bearer tx42"),
    ),
    case(
        "recent authentication with the acr value passes step-up",
        "POST",
        "/wire-transfers",
        Some("Bearer phr-clerk"),
    ),
    case(
        "a token the validator already verified, middleware",
        "GET",
        "/orders/1/items",
        Some("Bearer remembered"),
    ),
    case(
        "a token the validator already verified, extractor",
        "GET",
        "/me",
        Some("Bearer remembered"),
    ),
    case(
        "hierarchy grants the sub-scope",
        "GET",
        "/orders/1/items",
        Some("Bearer reader"),
    ),
    case(
        "hierarchy grants a deeper sub-scope",
        "GET",
        "/orders/1/shipping/address",
        Some("Bearer reader"),
    ),
    case(
        "template scope granted",
        "POST",
        "/transactions/42/approve",
        Some("Bearer tx42"),
    ),
    case(
        "recent authentication passes step-up",
        "POST",
        "/payments",
        Some("Bearer clerk"),
    ),
    denied(
        case(
            "step-up needs an acr value, macro",
            "POST",
            "/card-payments",
            Some("Bearer clerk"),
        ),
        401,
        Some(
            r#"Bearer realm="parity", error="insufficient_user_authentication", error_description="the user must authenticate again", acr_values="phr""#,
        ),
        STEP_UP,
    ),
    denied(
        case(
            "scopes are checked before step-up, macro",
            "POST",
            "/card-payments",
            Some("Bearer reader"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="payment.write""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"payment.write"}"#,
    ),
    case(
        "the acr value passes step-up, macro",
        "POST",
        "/card-payments",
        Some("Bearer phr-clerk"),
    ),
    denied(
        case(
            "several arguments are all required, macro",
            "GET",
            "/audit/log",
            Some("Bearer admin-reader"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="admin:read audit:read""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"admin:read audit:read"}"#,
    ),
    case(
        "several arguments all granted, macro",
        "GET",
        "/audit/log",
        Some("Bearer auditor"),
    ),
    denied(
        case(
            "nested any names its first alternative in full, macro",
            "GET",
            "/audit/summary",
            Some("Bearer admin-reader"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="admin:read audit:read""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"admin:read audit:read"}"#,
    ),
    case(
        "nested all alternative granted, macro",
        "GET",
        "/audit/summary",
        Some("Bearer auditor"),
    ),
    case(
        "nested second alternative granted, macro",
        "GET",
        "/audit/summary",
        Some("Bearer report-reader"),
    ),
    case("a caller", "GET", "/me", Some("Bearer reader")),
    case("public route without a token", "GET", "/health", None),
];

/// The SPEC §4 challenges that carry `resource_metadata` (RFC 9728 §5.1)
/// when a metadata URL is configured: 400, every 401 and 403.
pub(crate) const METADATA_CASES: &[Case] = &[
    denied(
        case("no credentials, with metadata", "GET", "/orders/1/items", None),
        401,
        Some(
            r#"Bearer realm="parity", resource_metadata="https://api.example/.well-known/oauth-protected-resource""#,
        ),
        MISSING,
    ),
    denied(
        case("malformed token, with metadata", "GET", "/me", Some("Bearer a,b")),
        400,
        Some(
            r#"Bearer realm="parity", error="invalid_request", error_description="the bearer token is malformed", resource_metadata="https://api.example/.well-known/oauth-protected-resource""#,
        ),
        MALFORMED,
    ),
    denied(
        case(
            "expired token, with metadata",
            "PUT",
            "/inventory/1/price",
            Some("Bearer expired"),
        ),
        401,
        Some(
            r#"Bearer realm="parity", error="invalid_token", error_description="the token has expired", resource_metadata="https://api.example/.well-known/oauth-protected-resource""#,
        ),
        EXPIRED,
    ),
    denied(
        case(
            "scope missing, with metadata",
            "GET",
            "/orders/1/shipping/address",
            Some("Bearer writer"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="order:shipping:address", resource_metadata="https://api.example/.well-known/oauth-protected-resource""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"order:shipping:address"}"#,
    ),
    denied(
        case(
            "step-up needed, with metadata",
            "POST",
            "/payments",
            Some("Bearer stale-clerk"),
        ),
        401,
        Some(
            r#"Bearer realm="parity", error="insufficient_user_authentication", error_description="the user must authenticate again", max_age="300", resource_metadata="https://api.example/.well-known/oauth-protected-resource""#,
        ),
        STEP_UP,
    ),
    Case {
        retry_after: Some("30"),
        ..denied(
            case(
                "key set unavailable has no challenge, with metadata",
                "GET",
                "/me",
                Some("Bearer keys-down"),
            ),
            503,
            None,
            UNAVAILABLE,
        )
    },
];
