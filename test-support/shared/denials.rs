//! The exact denials both adapters' suites expect from apps whose challenges
//! have realm [`REALM`], checked on the status, `WWW-Authenticate` and body
//! of an answer (`Answer::parts` in the adapters' test support).
#![allow(dead_code)]

/// The realm of the apps these denials come from.
pub(crate) const REALM: &str = "test";

/// Status, `WWW-Authenticate`, `Retry-After`, `Content-Type` and body.
pub(crate) type Parts<'a> = (u16, Option<&'a str>, Option<&'a str>, Option<&'a str>, &'a str);

/// Asserts status, challenge and body exactly; each failure names `context`.
fn assert_denied(
    (status, challenge, _, _, body): Parts<'_>,
    expected: (u16, Option<&str>, &str),
    context: &str,
) {
    assert_eq!(status, expected.0, "{context}");
    assert_eq!(challenge, expected.1, "{context}");
    assert_eq!(body, expected.2, "{context}");
}

/// A 401 with the bare challenge and the `missing_token` body.
pub(crate) fn assert_missing_token(answer: Parts<'_>, context: &str) {
    assert_denied(
        answer,
        (
            401,
            Some(&format!(r#"Bearer realm="{REALM}""#)),
            r#"{"error":"missing_token","error_description":"no bearer token"}"#,
        ),
        context,
    );
}

/// A 403 `insufficient_scope` naming `scope` in the challenge and the body;
/// with no `scope` attribute when `None` (a filled template value that is no
/// scope).
pub(crate) fn assert_insufficient_scope(answer: Parts<'_>, scope: Option<&str>, context: &str) {
    let (challenge, body) = match scope {
        Some(scope) => (
            format!(
                r#"Bearer realm="{REALM}", error="insufficient_scope", error_description="insufficient scope", scope="{scope}""#
            ),
            format!(
                r#"{{"error":"insufficient_scope","error_description":"insufficient scope","scope":"{scope}"}}"#
            ),
        ),
        None => (
            format!(
                r#"Bearer realm="{REALM}", error="insufficient_scope", error_description="insufficient scope""#
            ),
            r#"{"error":"insufficient_scope","error_description":"insufficient scope"}"#.to_owned(),
        ),
    };
    assert_denied(answer, (403, Some(&challenge), &body), context);
}

/// A 500 with the server-error body and no challenge: a misconfiguration,
/// never an allow.
pub(crate) fn assert_server_error(answer: Parts<'_>, context: &str) {
    assert_denied(
        answer,
        (
            500,
            None,
            r#"{"error":"server_error","error_description":"the server cannot authorize this request"}"#,
        ),
        context,
    );
}
