//! The claims set (RFC 7519 §4.1, RFC 9068 §2.2): read once, in one pass
//! over the payload, and checked after the signature.
//!
//! The pass keeps the raw JSON of the claims the validator reads and skips
//! the rest; each kept claim is then given its type, so a claim of the wrong
//! JSON type is reported as such instead of failing the whole parse.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::members::{self, Members, OtherMembers};
use super::registered_claims::{ClaimRules, RawRegistered, RegisteredClaims};
use crate::error::InvalidToken;

/// A JSON string, borrowed from the input when it has no escapes.
pub(crate) struct Text<'a>(Cow<'a, str>);

impl Text<'_> {
    pub(crate) fn as_str(&self) -> &str {
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

/// The configured claim names the pass also keeps.
#[derive(Debug, Clone, Copy)]
pub(super) struct ClaimLayout<'c> {
    /// The scope claims, in order of preference.
    pub(super) scope_claims: &'c [Box<str>],
    /// The top-level claim of the role path, if roles are mapped.
    pub(super) role_claim: Option<&'c str>,
}

/// The raw JSON of the claims the validator reads, borrowed from the payload.
#[derive(Debug)]
pub(super) struct RawClaims<'a> {
    registered: RawRegistered<'a>,
    /// The value of the preferred scope claim present.
    scope: Option<&'a RawValue>,
    roles: Option<&'a RawValue>,
}

/// The scope and role claims kept while the payload is read.
struct ScopeAndRoles<'c, 'a> {
    layout: ClaimLayout<'c>,
    /// The preferred scope claim present so far: its rank among the
    /// configured names, and its value.
    scope: Option<(usize, &'a RawValue)>,
    roles: Option<&'a RawValue>,
}

impl ScopeAndRoles<'_, '_> {
    fn scope_rank(&self, name: &str) -> Option<usize> {
        self.layout.scope_claims.iter().position(|claim| **claim == *name)
    }
}

impl<'a> OtherMembers<'a> for ScopeAndRoles<'_, 'a> {
    fn wants(&self, name: &str) -> bool {
        self.scope_rank(name).is_some() || self.layout.role_claim == Some(name)
    }

    fn keep(&mut self, name: &str, value: &'a RawValue) -> bool {
        if let Some(rank) = self.scope_rank(name) {
            match self.scope {
                Some((current, _)) if current == rank => return false,
                Some((current, _)) if current < rank => {}
                _ => self.scope = Some((rank, value)),
            }
        }
        !(self.layout.role_claim == Some(name) && self.roles.replace(value).is_some())
    }
}

impl<'a> RawClaims<'a> {
    /// Reads the payload: one JSON object, no duplicate claim among those
    /// read (RFC 7519 §4).
    pub(super) fn parse(json: &'a str, layout: ClaimLayout<'_>) -> Result<Self, InvalidToken> {
        let kept = ScopeAndRoles {
            layout,
            scope: None,
            roles: None,
        };
        let Members { registered, other } = members::read(json, kept).ok_or(InvalidToken::Malformed)?;
        Ok(Self {
            registered,
            scope: other.scope.map(|(_, value)| value),
            roles: other.roles,
        })
    }

    /// The issuer, read before the signature is checked only to choose the
    /// keys to check it with.
    pub(super) fn issuer(&self) -> Result<String, InvalidToken> {
        self.registered.issuer()
    }

    /// The value of the preferred scope claim present.
    pub(super) fn scope_claim(&self) -> Option<&'a RawValue> {
        self.scope
    }

    /// The value of the top-level claim of the role path.
    pub(super) fn role_claim(&self) -> Option<&'a RawValue> {
        self.roles
    }

    /// Checks the registered claims at `now` (seconds since the epoch) and
    /// gives them their types.
    pub(super) fn check(&self, rules: &ClaimRules<'_>, now: u64) -> Result<RegisteredClaims, InvalidToken> {
        self.registered.check(rules, now)
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
}
