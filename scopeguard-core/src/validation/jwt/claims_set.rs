//! The claims set (RFC 7519 §4.1, RFC 9068 §2.2): read once, in one pass
//! over the payload, and checked after the signature.
//!
//! The pass keeps the raw JSON of the claims the validator reads and skips
//! the rest; each kept claim is then given its type, so a claim of the wrong
//! JSON type is reported as such instead of failing the whole parse.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::InvalidToken;

/// A JSON string, borrowed from the input when it has no escapes.
pub(super) struct Text<'a>(Cow<'a, str>);

impl Text<'_> {
    pub(super) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor<'a>(std::marker::PhantomData<&'a str>);
        impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(text)))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor(std::marker::PhantomData))
    }
}

/// The registered claims the validator reads, by position in
/// [`RawClaims::standard`].
const STANDARD: [&str; 9] = [
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "auth_time",
    "acr",
    "client_id",
];
const ISS: usize = 0;
const SUB: usize = 1;
const AUD: usize = 2;
const EXP: usize = 3;
const NBF: usize = 4;
const IAT: usize = 5;
const AUTH_TIME: usize = 6;
const ACR: usize = 7;
const CLIENT_ID: usize = 8;

/// The configured claim names the pass also keeps.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClaimLayout<'c> {
    /// The scope claims, in order of preference.
    pub(super) scope_claims: &'c [Box<str>],
    /// The top-level claim of the role path, if roles are mapped.
    pub(super) role_claim: Option<&'c str>,
}

/// The raw JSON of the claims the validator reads, borrowed from the payload.
#[derive(Debug, Default)]
pub(super) struct RawClaims<'a> {
    standard: [Option<&'a RawValue>; STANDARD.len()],
    /// The preferred scope claim present: its rank among the configured
    /// names, and its value.
    scope: Option<(usize, &'a RawValue)>,
    roles: Option<&'a RawValue>,
}

impl<'a> RawClaims<'a> {
    /// Reads the payload: one JSON object, no duplicate claim among those
    /// read (RFC 7519 §4).
    pub(super) fn parse(json: &'a str, layout: ClaimLayout<'_>) -> Result<Self, InvalidToken> {
        if !super::header::is_object(json.as_bytes()) {
            return Err(InvalidToken::Malformed);
        }
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let claims = deserializer
            .deserialize_map(ClaimsVisitor { layout })
            .map_err(|_| InvalidToken::Malformed)?;
        deserializer.end().map_err(|_| InvalidToken::Malformed)?;
        Ok(claims)
    }

    /// The issuer, read before the signature is checked only to choose the
    /// keys to check it with.
    pub(super) fn issuer(&self) -> Result<String, InvalidToken> {
        required(self.standard[ISS])
    }

    /// The value of the preferred scope claim present.
    pub(super) fn scope_claim(&self) -> Option<&'a RawValue> {
        self.scope.map(|(_, value)| value)
    }

    /// The value of the top-level claim of the role path.
    pub(super) fn role_claim(&self) -> Option<&'a RawValue> {
        self.roles
    }

    /// Checks the registered claims at `now` (seconds since the epoch) and
    /// gives them their types.
    pub(super) fn check(&self, rules: &ClaimRules<'_>, now: u64) -> Result<StandardClaims, InvalidToken> {
        let exp = required::<NumericDate>(self.standard[EXP])?.earliest();
        if now >= exp.saturating_add(rules.leeway) {
            return Err(InvalidToken::Expired);
        }
        let latest_accepted = now.saturating_add(rules.leeway);
        if let Some(nbf) = optional::<NumericDate>(self.standard[NBF])?
            && nbf.latest() > latest_accepted
        {
            return Err(InvalidToken::NotYetValid);
        }
        let iat = optional::<NumericDate>(self.standard[IAT])?.map(NumericDate::latest);
        if iat.is_some_and(|iat| iat > latest_accepted) {
            return Err(InvalidToken::IssuedInFuture);
        }
        // A user cannot have authenticated after now: a future `auth_time`
        // would pass any step-up `max_age`, so it is invalid, like a future
        // `iat`, with the same leeway.
        let auth_time = optional::<NumericDate>(self.standard[AUTH_TIME])?;
        if auth_time.is_some_and(|auth_time| auth_time.latest() > latest_accepted) {
            return Err(InvalidToken::InvalidClaim);
        }
        let aud = optional::<Strings>(self.standard[AUD])?.map(|Strings(aud)| aud);
        let aud = match (aud, rules.audiences) {
            (None, Some(_)) => return Err(InvalidToken::MissingClaim),
            (Some(aud), Some(accepted))
                if !aud
                    .iter()
                    .any(|aud| accepted.iter().any(|accepted| **accepted == **aud)) =>
            {
                return Err(InvalidToken::InvalidAudience);
            }
            (aud, _) => aud.unwrap_or_default(),
        };
        Ok(StandardClaims {
            sub: optional(self.standard[SUB])?,
            client_id: optional(self.standard[CLIENT_ID])?,
            aud,
            exp,
            iat,
            auth_time: auth_time.map(NumericDate::earliest),
            acr: optional(self.standard[ACR])?,
        })
    }
}

/// How the registered claims are checked.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClaimRules<'c> {
    /// Clock leeway in seconds for `exp`, `nbf`, `iat` and `auth_time`.
    pub(super) leeway: u64,
    /// The accepted audiences; `None` when the audience check is disabled.
    pub(super) audiences: Option<&'c [Box<str>]>,
}

/// The registered claims, typed and checked.
#[derive(Debug)]
pub(super) struct StandardClaims {
    pub(super) sub: Option<String>,
    pub(super) client_id: Option<String>,
    pub(super) aud: Vec<String>,
    pub(super) exp: u64,
    pub(super) iat: Option<u64>,
    pub(super) auth_time: Option<u64>,
    pub(super) acr: Option<String>,
}

fn required<T: de::DeserializeOwned>(raw: Option<&RawValue>) -> Result<T, InvalidToken> {
    optional(raw)?.ok_or(InvalidToken::MissingClaim)
}

/// A claim's value typed; `null` or another wrong type is invalid.
fn optional<T: de::DeserializeOwned>(raw: Option<&RawValue>) -> Result<Option<T>, InvalidToken> {
    raw.map(|raw| serde_json::from_str(raw.get()).map_err(|_| InvalidToken::InvalidClaim))
        .transpose()
}

struct ClaimsVisitor<'c> {
    layout: ClaimLayout<'c>,
}

impl<'de> Visitor<'de> for ClaimsVisitor<'_> {
    type Value = RawClaims<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of claims")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut claims = RawClaims::default();
        while let Some(name) = map.next_key::<Text<'de>>()? {
            let name = name.as_str();
            let standard = STANDARD.iter().position(|claim| *claim == name);
            let scope_rank = self.layout.scope_claims.iter().position(|claim| **claim == *name);
            let is_role_claim = self.layout.role_claim == Some(name);
            if standard.is_none() && scope_rank.is_none() && !is_role_claim {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: &'de RawValue = map.next_value()?;
            let duplicate = || de::Error::custom("duplicate claim");
            if let Some(index) = standard
                && claims.standard[index].replace(value).is_some()
            {
                return Err(duplicate());
            }
            if let Some(rank) = scope_rank {
                match claims.scope {
                    Some((current, _)) if current == rank => return Err(duplicate()),
                    Some((current, _)) if current < rank => {}
                    _ => claims.scope = Some((rank, value)),
                }
            }
            if is_role_claim && claims.roles.replace(value).is_some() {
                return Err(duplicate());
            }
        }
        Ok(claims)
    }
}

/// A `NumericDate` (RFC 7519 §2): seconds since the epoch, possibly with a
/// fraction. Negative values count as the epoch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NumericDate {
    whole: u64,
    fractional: bool,
}

impl NumericDate {
    /// The date rounded down: for `exp` and `auth_time`, the stricter reading.
    pub(crate) fn earliest(self) -> u64 {
        self.whole
    }

    /// The date rounded up: for `nbf` and `iat`, the stricter reading.
    pub(crate) fn latest(self) -> u64 {
        self.whole.saturating_add(u64::from(self.fractional))
    }
}

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = NumericDate;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of seconds")
            }

            fn visit_u64<E: de::Error>(self, seconds: u64) -> Result<Self::Value, E> {
                Ok(NumericDate {
                    whole: seconds,
                    fractional: false,
                })
            }

            fn visit_i64<E: de::Error>(self, seconds: i64) -> Result<Self::Value, E> {
                Ok(NumericDate {
                    whole: u64::try_from(seconds).unwrap_or(0),
                    fractional: false,
                })
            }

            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss,
                reason = "a float-to-integer `as` saturates, and the value is finite and non-negative"
            )]
            fn visit_f64<E: de::Error>(self, seconds: f64) -> Result<Self::Value, E> {
                if !seconds.is_finite() {
                    return Err(E::custom("not a finite number"));
                }
                let whole = seconds.max(0.0).floor();
                Ok(NumericDate {
                    whole: whole as u64,
                    fractional: seconds > whole,
                })
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

/// A string or an array of strings (`aud`, a role claim).
pub(crate) struct Strings(pub(crate) Vec<String>);

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringsVisitor;
        impl<'de> Visitor<'de> for StringsVisitor {
            type Value = Strings;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Strings(vec![text.to_owned()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut strings = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(16));
                while let Some(text) = seq.next_element::<String>()? {
                    strings.push(text);
                }
                Ok(Strings(strings))
            }
        }
        deserializer.deserialize_any(StringsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: ClaimLayout<'static> = ClaimLayout {
        scope_claims: &[],
        role_claim: None,
    };

    fn rules(audiences: Option<&[Box<str>]>) -> ClaimRules<'_> {
        ClaimRules {
            leeway: 60,
            audiences,
        }
    }

    #[test]
    fn numeric_dates_round_towards_the_stricter_side() {
        let date: NumericDate = serde_json::from_str("100.5").unwrap();
        assert_eq!((date.earliest(), date.latest()), (100, 101));
        let date: NumericDate = serde_json::from_str("-5").unwrap();
        assert_eq!((date.earliest(), date.latest()), (0, 0));
        for bad in ["\"100\"", "null", "true", "[1]", "{}"] {
            assert!(serde_json::from_str::<NumericDate>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn duplicate_claims_are_malformed() {
        let json = r#"{"exp": 1, "exp": 2}"#;
        assert_eq!(
            RawClaims::parse(json, LAYOUT).unwrap_err(),
            InvalidToken::Malformed
        );
    }

    #[test]
    fn escaped_claim_names_are_recognised() {
        let claims = RawClaims::parse(r#"{"\u0069ss": "x"}"#, LAYOUT).unwrap();
        assert_eq!(claims.issuer().unwrap(), "x");
    }

    #[test]
    fn only_an_object_is_a_claims_set() {
        for json in ["[]", "1", "\"x\"", "null", "{} {}", "{", ""] {
            assert_eq!(
                RawClaims::parse(json, LAYOUT).unwrap_err(),
                InvalidToken::Malformed,
                "{json}"
            );
        }
    }

    #[test]
    fn the_first_configured_scope_claim_present_wins() {
        let names: [Box<str>; 2] = ["scope".into(), "scp".into()];
        let layout = ClaimLayout {
            scope_claims: &names,
            role_claim: None,
        };
        let claims = RawClaims::parse(r#"{"scp": ["b"], "scope": "a"}"#, layout).unwrap();
        assert_eq!(claims.scope_claim().unwrap().get(), "\"a\"");
        let claims = RawClaims::parse(r#"{"scope": "a", "scp": ["b"]}"#, layout).unwrap();
        assert_eq!(claims.scope_claim().unwrap().get(), "\"a\"");
    }

    #[test]
    fn expiry_is_exclusive_and_stretched_by_the_leeway_only() {
        let claims = RawClaims::parse(r#"{"exp": 1000}"#, LAYOUT).unwrap();
        assert!(claims.check(&rules(None), 1059).is_ok());
        assert_eq!(
            claims.check(&rules(None), 1060).unwrap_err(),
            InvalidToken::Expired
        );
        let strict = ClaimRules {
            leeway: 0,
            audiences: None,
        };
        assert!(claims.check(&strict, 999).is_ok());
        assert_eq!(claims.check(&strict, 1000).unwrap_err(), InvalidToken::Expired);
    }

    #[test]
    fn audience_is_required_when_configured() {
        let accepted: [Box<str>; 1] = ["api".into()];
        let claims = RawClaims::parse(r#"{"exp": 1000}"#, LAYOUT).unwrap();
        assert_eq!(
            claims.check(&rules(Some(&accepted)), 0).unwrap_err(),
            InvalidToken::MissingClaim
        );
        assert!(claims.check(&rules(None), 0).is_ok());
        let claims = RawClaims::parse(r#"{"exp": 1000, "aud": []}"#, LAYOUT).unwrap();
        assert_eq!(
            claims.check(&rules(Some(&accepted)), 0).unwrap_err(),
            InvalidToken::InvalidAudience
        );
    }
}
