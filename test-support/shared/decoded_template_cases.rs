//! Template scopes are filled with the fully percent-decoded path parameter
//! (SPEC §2.4): the value the framework's own `Path` extractor hands the
//! handler, so the scope checked is the resource served.
//!
//! actix's router leaves `%2B`, `%2F` and `%25` encoded in its match info
//! while it decodes everything else; these cases pin both adapters, on the
//! scope middleware (`POST /transactions/{tx}/approve`) and on the macro
//! (`POST /refunds/{tx}`), to the decoded value:
//!
//! - a token granting the decoded spelling (`tx-decoded`) passes;
//! - a token granting only the encoded spelling (`tx-encoded`) is denied,
//!   and the challenge names the decoded scope;
//! - a value is decoded once (`%2520` is `%20`, not a space);
//! - a decoded value that breaks the scope grammar is denied with no `scope`
//!   attribute.

use super::{Case, case, denied};

const UNNAMED_CHALLENGE: &str =
    r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope""#;
const UNNAMED: &str = r#"{"error":"insufficient_scope","error_description":"insufficient scope"}"#;

/// The 403 of a token that lacks `transaction-a+b`.
const fn plus_missing(case: Case) -> Case {
    denied(
        case,
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="transaction-a+b""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"transaction-a+b"}"#,
    )
}

/// The 403 of a token that lacks `transaction-a/b`.
const fn slash_missing(case: Case) -> Case {
    denied(
        case,
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="transaction-a/b""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"transaction-a/b"}"#,
    )
}

/// The 403 of a token that lacks `transaction-a%b`.
const fn percent_missing(case: Case) -> Case {
    denied(
        case,
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="transaction-a%b""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"transaction-a%b"}"#,
    )
}

/// Percent-encoded template values, on the scope middleware and the macro.
pub(crate) const DECODED_TEMPLATE_CASES: &[Case] = &[
    case(
        "an encoded plus is checked decoded",
        "POST",
        "/transactions/a%2Bb/approve",
        Some("Bearer tx-decoded"),
    ),
    case(
        "an encoded plus in lower case is checked decoded",
        "POST",
        "/transactions/a%2bb/approve",
        Some("Bearer tx-decoded"),
    ),
    case(
        "an encoded slash is checked decoded",
        "POST",
        "/transactions/a%2Fb/approve",
        Some("Bearer tx-decoded"),
    ),
    case(
        "an encoded percent sign is checked decoded",
        "POST",
        "/transactions/a%25b/approve",
        Some("Bearer tx-decoded"),
    ),
    plus_missing(case(
        "the encoded spelling of a plus grants nothing",
        "POST",
        "/transactions/a%2Bb/approve",
        Some("Bearer tx-encoded"),
    )),
    slash_missing(case(
        "the encoded spelling of a slash grants nothing",
        "POST",
        "/transactions/a%2Fb/approve",
        Some("Bearer tx-encoded"),
    )),
    percent_missing(case(
        "the encoded spelling of a percent sign grants nothing",
        "POST",
        "/transactions/a%25b/approve",
        Some("Bearer tx-encoded"),
    )),
    denied(
        case(
            "a value is decoded once",
            "POST",
            "/transactions/a%2520b/approve",
            Some("Bearer tx-encoded"),
        ),
        403,
        Some(
            r#"Bearer realm="parity", error="insufficient_scope", error_description="insufficient scope", scope="transaction-a%20b""#,
        ),
        r#"{"error":"insufficient_scope","error_description":"insufficient scope","scope":"transaction-a%20b"}"#,
    ),
    denied(
        case(
            "a decoded quote breaks the grammar",
            "POST",
            "/transactions/a%22b/approve",
            Some("Bearer tx-decoded"),
        ),
        403,
        Some(UNNAMED_CHALLENGE),
        UNNAMED,
    ),
    denied(
        case(
            "an encoded slash next to a decoded space breaks the grammar",
            "POST",
            "/transactions/a%2F%20b/approve",
            Some("Bearer tx-decoded"),
        ),
        403,
        Some(UNNAMED_CHALLENGE),
        UNNAMED,
    ),
    case(
        "an encoded plus is checked decoded, macro",
        "POST",
        "/refunds/a%2Bb",
        Some("Bearer tx-decoded"),
    ),
    case(
        "an encoded slash is checked decoded, macro",
        "POST",
        "/refunds/a%2Fb",
        Some("Bearer tx-decoded"),
    ),
    case(
        "an encoded percent sign is checked decoded, macro",
        "POST",
        "/refunds/a%25b",
        Some("Bearer tx-decoded"),
    ),
    plus_missing(case(
        "the encoded spelling of a plus grants nothing, macro",
        "POST",
        "/refunds/a%2Bb",
        Some("Bearer tx-encoded"),
    )),
    slash_missing(case(
        "the encoded spelling of a slash grants nothing, macro",
        "POST",
        "/refunds/a%2Fb",
        Some("Bearer tx-encoded"),
    )),
    percent_missing(case(
        "the encoded spelling of a percent sign grants nothing, macro",
        "POST",
        "/refunds/a%25b",
        Some("Bearer tx-encoded"),
    )),
    denied(
        case(
            "a decoded space breaks the grammar, macro",
            "POST",
            "/refunds/a%20b",
            Some("Bearer tx-decoded"),
        ),
        403,
        Some(UNNAMED_CHALLENGE),
        UNNAMED,
    ),
    denied(
        case(
            "a decoded backslash breaks the grammar, macro",
            "POST",
            "/refunds/a%5Cb",
            Some("Bearer tx-decoded"),
        ),
        403,
        Some(UNNAMED_CHALLENGE),
        UNNAMED,
    ),
];
