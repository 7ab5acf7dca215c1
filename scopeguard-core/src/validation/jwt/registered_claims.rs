//! The registered claims a validator reads (RFC 7519 §4.1, RFC 9068 §2.2),
//! from a JWT's payload or an introspection answer (RFC 7662 §2.2): typed,
//! checked by one set of rules (SPEC §3.2, §3.5), and turned into a
//! [`Principal`].

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::audience::AudienceCheck;
use super::claims_set::{NumericDate, Strings};
use crate::error::InvalidToken;
use crate::validation::principal::PrincipalBuilder;
use crate::{GrantedScopes, Principal, ScopePolicy};

/// The raw JSON of the registered claims present, borrowed from the
/// document; `null` is kept as a value.
#[derive(Debug, Default)]
pub(crate) struct RawRegistered<'a> {
    iss: Option<&'a RawValue>,
    sub: Option<&'a RawValue>,
    aud: Option<&'a RawValue>,
    exp: Option<&'a RawValue>,
    nbf: Option<&'a RawValue>,
    iat: Option<&'a RawValue>,
    auth_time: Option<&'a RawValue>,
    acr: Option<&'a RawValue>,
    client_id: Option<&'a RawValue>,
}

/// How the registered claims are checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClaimRules<'c> {
    /// Clock leeway in seconds for `exp`, `nbf`, `iat` and `auth_time`.
    pub(crate) leeway: u64,
    /// Whether a document without `exp` is rejected.
    pub(crate) exp_required: bool,
    /// The `iss` a document that has one must name; `None` checks none.
    pub(crate) issuer: Option<&'c str>,
    /// How `aud` is checked.
    pub(crate) audience: &'c AudienceCheck,
}

/// The registered claims, typed and checked: a principal but for its
/// scopes, its claims and its policy.
#[derive(Debug)]
pub(crate) struct RegisteredClaims(PrincipalBuilder);

impl<'a> RawRegistered<'a> {
    /// Where the raw value of the registered claim `name` goes; `None` for
    /// a claim not read here.
    pub(crate) fn slot(&mut self, name: &str) -> Option<&mut Option<&'a RawValue>> {
        Some(match name {
            "iss" => &mut self.iss,
            "sub" => &mut self.sub,
            "aud" => &mut self.aud,
            "exp" => &mut self.exp,
            "nbf" => &mut self.nbf,
            "iat" => &mut self.iat,
            "auth_time" => &mut self.auth_time,
            "acr" => &mut self.acr,
            "client_id" => &mut self.client_id,
            _ => return None,
        })
    }

    /// The issuer, required: read before a JWT's signature is checked only
    /// to choose the keys to check it with.
    pub(crate) fn issuer(&self) -> Result<String, InvalidToken> {
        typed(self.iss)?.ok_or(InvalidToken::MissingClaim)
    }

    /// Checks the claims at `now` (seconds since the epoch): `exp`, `nbf`,
    /// `iat` and `auth_time` with the leeway (a future `auth_time` would
    /// pass any step-up `max_age`, so it is invalid, like a future `iat`),
    /// `iss`, `aud`, then the types of the others.
    pub(crate) fn check(&self, rules: &ClaimRules<'_>, now: u64) -> Result<RegisteredClaims, InvalidToken> {
        let exp = typed::<NumericDate>(self.exp)?.map(NumericDate::earliest);
        if exp.is_none() && rules.exp_required {
            return Err(InvalidToken::MissingClaim);
        }
        if exp.is_some_and(|exp| now >= exp.saturating_add(rules.leeway)) {
            return Err(InvalidToken::Expired);
        }
        let latest_accepted = now.saturating_add(rules.leeway);
        if typed::<NumericDate>(self.nbf)?.is_some_and(|nbf| nbf.latest() > latest_accepted) {
            return Err(InvalidToken::NotYetValid);
        }
        let iat = typed::<NumericDate>(self.iat)?.map(NumericDate::latest);
        if iat.is_some_and(|iat| iat > latest_accepted) {
            return Err(InvalidToken::IssuedInFuture);
        }
        let auth_time = typed::<NumericDate>(self.auth_time)?;
        if auth_time.is_some_and(|auth_time| auth_time.latest() > latest_accepted) {
            return Err(InvalidToken::InvalidClaim);
        }
        let iss: Option<String> = typed(self.iss)?;
        if let (Some(expected), Some(iss)) = (rules.issuer, &iss)
            && expected != iss
        {
            return Err(InvalidToken::InvalidIssuer);
        }
        let aud = typed::<Strings>(self.aud)?.map(|Strings(aud)| aud);
        rules.audience.check(aud.as_deref())?;
        Ok(RegisteredClaims(PrincipalBuilder {
            sub: typed(self.sub)?,
            client_id: typed(self.client_id)?,
            iss,
            aud: aud.unwrap_or_default(),
            exp,
            iat,
            auth_time: auth_time.map(NumericDate::earliest),
            auth_time_leeway: rules.leeway,
            acr: typed(self.acr)?,
            ..PrincipalBuilder::default()
        }))
    }
}

impl RegisteredClaims {
    /// The expiry (`exp`), if there is one.
    pub(crate) fn exp(&self) -> Option<u64> {
        self.0.exp
    }

    /// These claims, read from the signed introspection answer `jwt`.
    #[cfg(feature = "introspection")]
    pub(crate) fn with_introspection_jwt(mut self, jwt: Option<Box<str>>) -> Self {
        self.0.introspection_jwt = jwt;
        self
    }

    /// The principal: these claims, the granted `scopes`, `claims` (the
    /// document's JSON) for typed access, and the `policy` scopes are
    /// matched under. A future `auth_time` meets a step-up `max_age` only
    /// within the leeway the claims were checked with.
    pub(crate) fn into_principal(
        self,
        scopes: GrantedScopes,
        claims: String,
        policy: Arc<ScopePolicy>,
        access_token: &str,
    ) -> Principal {
        PrincipalBuilder {
            scopes,
            claims: Some(claims),
            policy: Some(policy),
            access_token: Some(access_token.into()),
            ..self.0
        }
        .build()
    }
}

/// A claim's value typed; `null` or another wrong type is invalid.
pub(crate) fn typed<T: DeserializeOwned>(raw: Option<&RawValue>) -> Result<Option<T>, InvalidToken> {
    raw.map(|raw| serde_json::from_str(raw.get()).map_err(|_| InvalidToken::InvalidClaim))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::jwt::audience::AudienceSettings;

    fn raw(json: &str) -> RawRegistered<'_> {
        let members: std::collections::HashMap<&str, &RawValue> = serde_json::from_str(json).unwrap();
        let mut raw = RawRegistered::default();
        for (name, value) in members {
            *raw.slot(name).expect("a registered claim") = Some(value);
        }
        raw
    }

    fn audience(accepted: &[&str]) -> AudienceCheck {
        let mut settings = AudienceSettings::default();
        settings.accept(accepted.iter().map(|audience| (*audience).to_owned()));
        if accepted.is_empty() {
            settings.disable_check();
        }
        settings.into_check(false)
    }

    fn rules(audience: &AudienceCheck) -> ClaimRules<'_> {
        ClaimRules {
            leeway: 60,
            exp_required: true,
            issuer: None,
            audience,
        }
    }

    #[test]
    fn expiry_is_exclusive_and_stretched_by_the_leeway_only() {
        let any = audience(&[]);
        let claims = raw(r#"{"exp": 1000}"#);
        assert!(claims.check(&rules(&any), 1059).is_ok());
        assert_eq!(
            claims.check(&rules(&any), 1060).unwrap_err(),
            InvalidToken::Expired
        );
        let strict = ClaimRules {
            leeway: 0,
            ..rules(&any)
        };
        assert!(claims.check(&strict, 999).is_ok());
        assert_eq!(claims.check(&strict, 1000).unwrap_err(), InvalidToken::Expired);
    }

    #[test]
    fn exp_is_required_only_when_the_rules_say_so() {
        let any = audience(&[]);
        let claims = raw(r#"{"sub": "alice"}"#);
        assert_eq!(
            claims.check(&rules(&any), 0).unwrap_err(),
            InvalidToken::MissingClaim
        );
        let optional = ClaimRules {
            exp_required: false,
            ..rules(&any)
        };
        assert_eq!(claims.check(&optional, 0).unwrap().exp(), None);
    }

    #[test]
    fn audience_is_required_when_configured() {
        let api = audience(&["api"]);
        let claims = raw(r#"{"exp": 1000}"#);
        assert_eq!(
            claims.check(&rules(&api), 0).unwrap_err(),
            InvalidToken::MissingClaim
        );
        assert!(claims.check(&rules(&audience(&[])), 0).is_ok());
        let claims = raw(r#"{"exp": 1000, "aud": []}"#);
        assert_eq!(
            claims.check(&rules(&api), 0).unwrap_err(),
            InvalidToken::InvalidAudience
        );
        assert_eq!(
            raw(r#"{"exp": 1000, "aud": 7}"#)
                .check(&rules(&api), 0)
                .unwrap_err(),
            InvalidToken::InvalidClaim
        );
    }

    #[test]
    fn an_iss_present_must_name_the_expected_issuer() {
        let any = audience(&[]);
        let expecting = ClaimRules {
            issuer: Some("https://issuer.example"),
            ..rules(&any)
        };
        let claims = raw(r#"{"exp": 1000, "iss": "https://other.example"}"#);
        assert_eq!(
            claims.check(&expecting, 0).unwrap_err(),
            InvalidToken::InvalidIssuer
        );
        assert!(claims.check(&rules(&any), 0).is_ok(), "no issuer expected");
        assert!(raw(r#"{"exp": 1000}"#).check(&expecting, 0).is_ok());
    }

    #[test]
    fn the_principal_has_every_standard_claim() {
        let any = audience(&[]);
        let json = r#"{"iss": "i", "sub": "s", "client_id": "c", "aud": "a", "exp": 1000, "iat": 10, "auth_time": 5.5, "acr": "mfa"}"#;
        let principal = raw(json).check(&rules(&any), 0).unwrap().into_principal(
            "x y".parse().unwrap(),
            json.to_owned(),
            Arc::default(),
            "the-token",
        );
        assert_eq!(
            (
                principal.iss(),
                principal.sub(),
                principal.client_id(),
                principal.acr()
            ),
            (Some("i"), Some("s"), Some("c"), Some("mfa"))
        );
        assert_eq!(principal.aud(), ["a"]);
        assert_eq!(
            (principal.exp(), principal.iat(), principal.auth_time()),
            (Some(1000), Some(10), Some(5))
        );
        assert_eq!(principal.scopes().as_space_delimited(), "x y");
        assert_eq!(principal.claims_json(), json);
    }
}
