//! Reading the token endpoint's answer to an exchange (RFC 8693 §2.2,
//! RFC 6749 §5.2).
//!
//! A success is a 200 JSON object with `access_token`, `issued_token_type`
//! and `token_type` (strings), and optionally `expires_in` (seconds) and
//! `scope`; anything else with a 2xx status is malformed. A 4xx answer is a
//! refusal when it names an OAuth `error`, else malformed. The token is
//! never part of an error or a log.

use serde::Deserialize;

use super::error::ExchangeErrorKind;
use crate::GrantedScopes;

/// What a successful answer holds, named as in RFC 8693 §2.2.1.
#[allow(clippy::struct_field_names, reason = "the members of RFC 8693 §2.2.1")]
pub(crate) struct Issued {
    pub(crate) access_token: String,
    pub(crate) issued_token_type: String,
    pub(crate) token_type: String,
    pub(crate) expires_in: Option<u64>,
    /// `None` when the answer has no `scope`: the scopes asked for
    /// (RFC 8693 §2.2.1).
    pub(crate) scope: Option<GrantedScopes>,
}

/// Reads an answer with `status` and `body`.
pub(crate) fn read(status: u16, body: &[u8]) -> Result<Issued, ExchangeErrorKind> {
    match status {
        200 => success(body),
        400..=499 => Err(refusal(body)),
        _ => Err(ExchangeErrorKind::MalformedAnswer),
    }
}

fn success(body: &[u8]) -> Result<Issued, ExchangeErrorKind> {
    #[derive(Deserialize)]
    struct Success {
        access_token: String,
        issued_token_type: String,
        token_type: String,
        #[serde(default)]
        expires_in: Option<u64>,
        #[serde(default)]
        scope: Option<String>,
    }
    let answer: Success = serde_json::from_slice(body).map_err(|_| ExchangeErrorKind::MalformedAnswer)?;
    let usable = |value: &str| !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_graphic());
    if !usable(&answer.access_token) || answer.issued_token_type.is_empty() || answer.token_type.is_empty() {
        return Err(ExchangeErrorKind::MalformedAnswer);
    }
    let scope = answer
        .scope
        .map(|scope| GrantedScopes::from_space_delimited(&scope))
        .transpose()
        .map_err(|_| ExchangeErrorKind::MalformedAnswer)?;
    Ok(Issued {
        access_token: answer.access_token,
        issued_token_type: answer.issued_token_type,
        token_type: answer.token_type,
        expires_in: answer.expires_in,
        scope,
    })
}

/// A 4xx answer: refused with its `error` code, or malformed without one.
fn refusal(body: &[u8]) -> ExchangeErrorKind {
    #[derive(Deserialize)]
    struct Refusal {
        error: String,
    }
    match serde_json::from_slice::<Refusal>(body) {
        // RFC 6749 §5.2: error = 1*( %x20-21 / %x23-5B / %x5D-7E ).
        Ok(refusal)
            if !refusal.error.is_empty()
                && refusal.error.len() <= 64
                && refusal
                    .error
                    .bytes()
                    .all(|byte| matches!(byte, 0x20..=0x21 | 0x23..=0x5B | 0x5D..=0x7E)) =>
        {
            ExchangeErrorKind::Refused { error: refusal.error }
        }
        Ok(_) => ExchangeErrorKind::Refused {
            error: "invalid_request".to_owned(),
        },
        Err(_) => ExchangeErrorKind::MalformedAnswer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_answer_is_read() {
        let issued = read(
            200,
            br#"{"access_token":"abc","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":60,"scope":"order:shipping"}"#,
        )
        .ok()
        .unwrap();
        assert_eq!(issued.access_token, "abc");
        assert_eq!(issued.expires_in, Some(60));
        assert_eq!(issued.scope.unwrap().as_space_delimited(), "order:shipping");
    }

    #[test]
    fn a_missing_member_is_malformed() {
        for body in [
            &br#"{"issued_token_type":"x","token_type":"Bearer"}"#[..],
            br#"{"access_token":"abc","token_type":"Bearer"}"#,
            br#"{"access_token":"abc","issued_token_type":"x"}"#,
            br#"{"access_token":"","issued_token_type":"x","token_type":"Bearer"}"#,
            br#"{"access_token":"a b","issued_token_type":"x","token_type":"Bearer"}"#,
            br#"{"access_token":"abc","issued_token_type":"x","token_type":"Bearer","scope":"a\tb"}"#,
            b"not json",
        ] {
            assert_eq!(read(200, body).err(), Some(ExchangeErrorKind::MalformedAnswer));
        }
    }

    #[test]
    fn a_client_error_names_its_oauth_error() {
        assert_eq!(
            read(400, br#"{"error":"invalid_grant"}"#).err(),
            Some(ExchangeErrorKind::Refused {
                error: "invalid_grant".into()
            })
        );
        assert_eq!(
            read(400, br#"{"error":"bad\"quote"}"#).err(),
            Some(ExchangeErrorKind::Refused {
                error: "invalid_request".into()
            })
        );
        assert_eq!(
            read(400, b"<html>").err(),
            Some(ExchangeErrorKind::MalformedAnswer)
        );
        assert_eq!(read(201, b"{}").err(), Some(ExchangeErrorKind::MalformedAnswer));
    }
}
