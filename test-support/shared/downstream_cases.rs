//! The SPEC §3.8 answers both adapters' suites expect from a handler that
//! exchanges the caller's token (scope `order:shipping`) and answers with
//! the exchanged token's scope: `?` on an `ExchangeError` gives the §4
//! answer with the realm of the app's authentication step ([`REALM`]).
//!
//! Included with `#[path]` by test files whose `support` module exports
//! `REALM` (from `denials.rs`).
#![allow(dead_code)]

use crate::support::REALM;

/// Status, `WWW-Authenticate`, `Retry-After`, `Content-Type` and body.
type Parts<'a> = (u16, Option<&'a str>, Option<&'a str>, Option<&'a str>, &'a str);

/// The scopes the handler asks for.
pub(crate) const REQUESTED: &str = "order:shipping";

/// A caller whose scopes cover the narrowing: 200 with the narrowed scope.
pub(crate) fn assert_exchanged((status, _, _, _, body): Parts<'_>) {
    assert_eq!((status, body), (200, REQUESTED));
}

/// A caller whose scopes do not cover it, or an exchange the authorization
/// server refuses: 403 `insufficient_scope`, the challenge and body naming
/// the scopes asked for.
pub(crate) fn assert_not_covered((status, challenge, retry_after, _, body): Parts<'_>) {
    assert_eq!(status, 403);
    assert_eq!(
        challenge,
        Some(
            format!(
                r#"Bearer realm="{REALM}", error="insufficient_scope", error_description="insufficient scope", scope="{REQUESTED}""#
            )
            .as_str()
        )
    );
    assert_eq!(retry_after, None);
    assert_eq!(
        body,
        format!(
            r#"{{"error":"insufficient_scope","error_description":"insufficient scope","scope":"{REQUESTED}"}}"#
        )
    );
}

/// The authorization server unreachable: 503 with `Retry-After: 5`, no
/// challenge.
pub(crate) fn assert_unavailable((status, challenge, retry_after, content_type, body): Parts<'_>) {
    assert_eq!(status, 503);
    assert_eq!(challenge, None);
    assert_eq!(retry_after, Some("5"));
    assert_eq!(content_type, Some("application/json"));
    assert_eq!(
        body,
        r#"{"error":"temporarily_unavailable","error_description":"token exchange is temporarily unavailable"}"#
    );
}

/// A token endpoint URL on loopback where nothing listens.
pub(crate) fn closed_token_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!(
        "http://{}/token",
        listener.local_addr().expect("the bound address")
    );
    drop(listener);
    url
}
