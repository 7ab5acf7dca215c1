//! The introspection answer (RFC 7662 §2.2): read, then checked by the
//! rules a JWT's claims are checked by (SPEC §3.2, §3.5).

use std::sync::Arc;

use serde_json::value::RawValue;

use crate::error::InvalidToken;
use crate::validation::jwt::audience::AudienceCheck;
use crate::validation::jwt::members::{self, Members, OtherMembers};
use crate::validation::jwt::registered_claims::{ClaimRules, RegisteredClaims};
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

/// The members the validator reads besides the registered claims, as raw
/// JSON; `null` is kept as a value.
#[derive(Default)]
struct ActiveAndScope<'a> {
    active: Option<&'a RawValue>,
    scope: Option<&'a RawValue>,
}

impl<'a> OtherMembers<'a> for ActiveAndScope<'a> {
    fn wants(&self, name: &str) -> bool {
        matches!(name, "active" | "scope")
    }

    fn keep(&mut self, name: &str, value: &'a RawValue) -> bool {
        let slot = if name == "active" {
            &mut self.active
        } else {
            &mut self.scope
        };
        slot.replace(value).is_none()
    }
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
    members: Members<'a, ActiveAndScope<'a>>,
}

impl<'a> Answer<'a> {
    /// Reads an answer: one JSON object, no member read twice, `active` a
    /// boolean.
    pub(super) fn parse(json: &'a str) -> Result<Self, MalformedAnswer> {
        let members = members::read(json, ActiveAndScope::default()).ok_or(MalformedAnswer::NotAnObject)?;
        let active = members.other.active.ok_or(MalformedAnswer::NoActiveFlag)?;
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
    /// How `aud` is checked.
    pub(super) audience: AudienceCheck,
}

/// The members of an active token, typed and checked.
#[derive(Debug)]
pub(super) struct Checked {
    registered: RegisteredClaims,
    scopes: GrantedScopes,
}

impl ActiveToken<'_> {
    /// Checks the members at `now` (seconds since the epoch): the
    /// registered ones as a JWT's claims (`exp` optional, `iss` checked
    /// when present), then `scope`.
    pub(super) fn check(&self, rules: &AnswerRules, now: u64) -> Result<Checked, InvalidToken> {
        let claim_rules = ClaimRules {
            leeway: rules.leeway,
            exp_required: false,
            issuer: rules.issuer.as_deref(),
            audience: &rules.audience,
        };
        let registered = self.members.registered.check(&claim_rules, now)?;
        let scopes = match self.members.other.scope {
            None => GrantedScopes::empty(),
            Some(scope) => serde_json::from_str::<String>(scope.get())
                .ok()
                .and_then(|list| GrantedScopes::from_space_delimited(&list).ok())
                .ok_or(InvalidToken::InvalidScopeClaim)?,
        };
        Ok(Checked { registered, scopes })
    }
}

impl Checked {
    /// The token's `exp`, if it has one.
    pub(super) fn exp(&self) -> Option<u64> {
        self.registered.exp()
    }

    /// The principal, with `claims` (the answer's JSON) for typed access,
    /// the signed answer `jwt` it was read from, if any, and the
    /// `access_token` it stands for.
    pub(super) fn into_principal(
        self,
        claims: String,
        jwt: Option<Box<str>>,
        policy: Arc<ScopePolicy>,
        access_token: &str,
    ) -> Principal {
        self.registered
            .with_introspection_jwt(jwt)
            .into_principal(self.scopes, claims, policy, access_token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::jwt::audience::AudienceSettings;

    fn rules() -> AnswerRules {
        let mut audience = AudienceSettings::default();
        audience.accept(["api".to_owned()]);
        AnswerRules {
            leeway: 60,
            issuer: Some("https://issuer.example".into()),
            audience: audience.into_check(false),
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
