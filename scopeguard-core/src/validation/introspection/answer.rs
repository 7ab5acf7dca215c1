//! The introspection answer (RFC 7662 §2.2): read, then checked by the
//! rules a JWT's claims are checked by (SPEC §3.2, §3.5).

use std::sync::Arc;

use serde::de::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::error::InvalidToken;
use crate::validation::jwt::claims_set::{NumericDate, Strings};
use crate::validation::principal::PrincipalBuilder;
use crate::{GrantedScopes, Principal, ScopePolicy};

/// Why an answer is not an introspection response. The endpoint is then
/// failing: the token may be fine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(super) enum MalformedAnswer {
    /// The body is not UTF-8.
    #[error("the answer is not UTF-8")]
    NotUtf8,
    /// Not JSON, not an object, or a member read twice.
    #[error("the answer is not a JSON object of distinct members")]
    NotAnObject,
    /// `active` is missing, or not a boolean.
    #[error("the answer has no boolean `active` member")]
    NoActiveFlag,
}

/// The members the validator reads, as raw JSON; `null` is kept as a value.
#[derive(serde::Deserialize)]
struct Members<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    active: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    scope: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    client_id: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    exp: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    iat: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    nbf: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    sub: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    aud: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    iss: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    auth_time: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    acr: Option<&'a RawValue>,
}

/// Any value, `null` included: a member that is present.
fn present<'de: 'a, 'a, D: Deserializer<'de>>(deserializer: D) -> Result<Option<&'a RawValue>, D::Error> {
    <&'a RawValue>::deserialize(deserializer).map(Some)
}

/// What the endpoint says about the token.
pub(super) enum Answer<'a> {
    /// `active: false`.
    Inactive,
    /// `active: true`, with the members still to check.
    Active(ActiveToken<'a>),
}

/// The members of an answer with `active: true`.
pub(super) struct ActiveToken<'a> {
    members: Members<'a>,
}

impl<'a> Answer<'a> {
    /// Reads an answer: one JSON object, no member read twice, `active` a
    /// boolean.
    pub(super) fn parse(json: &'a str) -> Result<Self, MalformedAnswer> {
        let is_object = json
            .bytes()
            .find(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
            == Some(b'{');
        if !is_object {
            return Err(MalformedAnswer::NotAnObject);
        }
        let members: Members<'a> = serde_json::from_str(json).map_err(|_| MalformedAnswer::NotAnObject)?;
        let active = members.active.ok_or(MalformedAnswer::NoActiveFlag)?;
        match serde_json::from_str::<bool>(active.get()) {
            Ok(true) => Ok(Self::Active(ActiveToken { members })),
            Ok(false) => Ok(Self::Inactive),
            Err(_) => Err(MalformedAnswer::NoActiveFlag),
        }
    }
}

/// How an active token's members are checked.
#[derive(Debug)]
pub(super) struct AnswerRules {
    /// Clock leeway in seconds for `exp`, `nbf`, `iat` and `auth_time`.
    pub(super) leeway: u64,
    /// The expected `iss`, checked when the answer has one; `None` when the
    /// issuer check is disabled.
    pub(super) issuer: Option<Box<str>>,
    /// The accepted audiences; `None` when the audience check is disabled.
    pub(super) audiences: Option<Box<[Box<str>]>>,
    /// Whether an answer without `aud` is accepted although audiences are
    /// configured.
    pub(super) allow_missing_audience: bool,
}

/// The members of an active token, typed and checked.
#[derive(Debug)]
pub(super) struct Checked {
    sub: Option<String>,
    client_id: Option<String>,
    iss: Option<String>,
    aud: Vec<String>,
    pub(super) exp: Option<u64>,
    iat: Option<u64>,
    auth_time: Option<u64>,
    acr: Option<String>,
    scopes: GrantedScopes,
}

impl ActiveToken<'_> {
    /// Checks the members at `now` (seconds since the epoch): `exp`, `nbf`,
    /// `iat` and `auth_time` with the leeway, `iss`, `aud`, `scope`, then
    /// the types of the others.
    pub(super) fn check(&self, rules: &AnswerRules, now: u64) -> Result<Checked, InvalidToken> {
        let members = &self.members;
        let exp = typed::<NumericDate>(members.exp)?.map(NumericDate::earliest);
        if exp.is_some_and(|exp| now >= exp.saturating_add(rules.leeway)) {
            return Err(InvalidToken::Expired);
        }
        let latest_accepted = now.saturating_add(rules.leeway);
        if typed::<NumericDate>(members.nbf)?.is_some_and(|nbf| nbf.latest() > latest_accepted) {
            return Err(InvalidToken::NotYetValid);
        }
        let iat = typed::<NumericDate>(members.iat)?.map(NumericDate::latest);
        if iat.is_some_and(|iat| iat > latest_accepted) {
            return Err(InvalidToken::IssuedInFuture);
        }
        // A user cannot have authenticated after now: a future `auth_time`
        // would pass any step-up `max_age`, so it is invalid, as in a JWT
        // (SPEC §3.2), with the same leeway.
        let auth_time = typed::<NumericDate>(members.auth_time)?;
        if auth_time.is_some_and(|auth_time| auth_time.latest() > latest_accepted) {
            return Err(InvalidToken::InvalidClaim);
        }
        let iss: Option<String> = typed(members.iss)?;
        if let (Some(expected), Some(iss)) = (&rules.issuer, &iss)
            && **expected != **iss
        {
            return Err(InvalidToken::InvalidIssuer);
        }
        let aud = typed::<Strings>(members.aud)?.map(|Strings(aud)| aud);
        if let Some(accepted) = &rules.audiences {
            match &aud {
                None if rules.allow_missing_audience => {}
                None => return Err(InvalidToken::MissingClaim),
                Some(aud)
                    if !aud
                        .iter()
                        .any(|aud| accepted.iter().any(|accepted| **accepted == **aud)) =>
                {
                    return Err(InvalidToken::InvalidAudience);
                }
                Some(_) => {}
            }
        }
        let scopes = match members.scope {
            None => GrantedScopes::empty(),
            Some(scope) => serde_json::from_str::<String>(scope.get())
                .ok()
                .and_then(|list| GrantedScopes::from_space_delimited(&list).ok())
                .ok_or(InvalidToken::InvalidScopeClaim)?,
        };
        Ok(Checked {
            sub: typed(members.sub)?,
            client_id: typed(members.client_id)?,
            iss,
            aud: aud.unwrap_or_default(),
            exp,
            iat,
            auth_time: auth_time.map(NumericDate::earliest),
            acr: typed(members.acr)?,
            scopes,
        })
    }
}

impl Checked {
    /// The principal, with `claims` (the answer's JSON) for typed access;
    /// `leeway` is the one the answer was checked with.
    pub(super) fn into_principal(self, claims: String, policy: Arc<ScopePolicy>, leeway: u64) -> Principal {
        PrincipalBuilder {
            sub: self.sub,
            client_id: self.client_id,
            iss: self.iss,
            aud: self.aud,
            exp: self.exp,
            iat: self.iat,
            auth_time: self.auth_time,
            auth_time_leeway: leeway,
            acr: self.acr,
            scopes: self.scopes,
            claims: Some(claims),
            policy: Some(policy),
        }
        .build()
    }
}

/// A member's value typed; `null` or another wrong type is invalid.
fn typed<T: serde::de::DeserializeOwned>(raw: Option<&RawValue>) -> Result<Option<T>, InvalidToken> {
    raw.map(|raw| serde_json::from_str(raw.get()).map_err(|_| InvalidToken::InvalidClaim))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> AnswerRules {
        AnswerRules {
            leeway: 60,
            issuer: Some("https://issuer.example".into()),
            audiences: Some(["api".into()].into()),
            allow_missing_audience: false,
        }
    }

    fn check(json: &str) -> Result<Checked, InvalidToken> {
        match Answer::parse(json) {
            Ok(Answer::Active(token)) => token.check(&rules(), 1_000),
            Ok(Answer::Inactive) => panic!("inactive: {json}"),
            Err(error) => panic!("{error}: {json}"),
        }
    }

    #[test]
    fn active_must_be_a_boolean_member_of_an_object() {
        for json in [
            "",
            "[]",
            "[true]",
            "true",
            "null",
            "{",
            r#"{"active": true} x"#,
            r#"{"active": true, "active": false}"#,
        ] {
            assert_eq!(
                Answer::parse(json).err(),
                Some(MalformedAnswer::NotAnObject),
                "{json}"
            );
        }
        for json in [
            "{}",
            r#"{"active": "true"}"#,
            r#"{"active": 1}"#,
            r#"{"active": null}"#,
            r#"{"active": [true]}"#,
        ] {
            assert_eq!(
                Answer::parse(json).err(),
                Some(MalformedAnswer::NoActiveFlag),
                "{json}"
            );
        }
        assert!(matches!(
            Answer::parse(r#"{"active": false, "exp": "x"}"#),
            Ok(Answer::Inactive)
        ));
        assert!(matches!(
            Answer::parse(r#" {"active": true}"#),
            Ok(Answer::Active(_))
        ));
    }

    #[test]
    fn members_of_the_wrong_type_are_invalid_claims() {
        for json in [
            r#"{"active": true, "aud": "api", "exp": "2000"}"#,
            r#"{"active": true, "aud": "api", "sub": 7}"#,
            r#"{"active": true, "aud": "api", "acr": null}"#,
            r#"{"active": true, "aud": [1]}"#,
            r#"{"active": true, "aud": "api", "iss": ["https://issuer.example"]}"#,
        ] {
            assert_eq!(check(json).unwrap_err(), InvalidToken::InvalidClaim, "{json}");
        }
    }

    #[test]
    fn time_members_are_checked_with_the_leeway() {
        assert_eq!(
            check(r#"{"active": true, "aud": "api", "exp": 940}"#).unwrap_err(),
            InvalidToken::Expired
        );
        assert!(check(r#"{"active": true, "aud": "api", "exp": 941}"#).is_ok());
        assert_eq!(
            check(r#"{"active": true, "aud": "api", "nbf": 1061}"#).unwrap_err(),
            InvalidToken::NotYetValid
        );
        assert_eq!(
            check(r#"{"active": true, "aud": "api", "iat": 1060.5}"#).unwrap_err(),
            InvalidToken::IssuedInFuture
        );
        assert_eq!(
            check(r#"{"active": true, "aud": "api", "auth_time": 1060.5}"#).unwrap_err(),
            InvalidToken::InvalidClaim
        );
        assert_eq!(
            check(r#"{"active": true, "aud": "api", "auth_time": 4000000000}"#).unwrap_err(),
            InvalidToken::InvalidClaim
        );
        assert!(
            check(r#"{"active": true, "aud": "api", "nbf": 1060, "iat": 1060, "auth_time": 1060}"#).is_ok()
        );
    }

    #[test]
    fn scope_must_be_a_string_of_valid_scopes() {
        let checked = check(r#"{"active": true, "aud": "api", "scope": " b a "}"#).unwrap();
        assert_eq!(checked.scopes.as_space_delimited(), "a b");
        for scope in [r#""a\tb""#, r#"["a"]"#, "1", "null", r#""a \"b\"""#] {
            let json = format!(r#"{{"active": true, "aud": "api", "scope": {scope}}}"#);
            assert_eq!(
                check(&json).unwrap_err(),
                InvalidToken::InvalidScopeClaim,
                "{json}"
            );
        }
    }
}
