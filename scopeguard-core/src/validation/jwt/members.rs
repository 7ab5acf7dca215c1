//! One pass over a JSON object of claims (a JWT's claims set, an
//! introspection answer): the registered claims and the members the caller
//! keeps are read as raw JSON, borrowed from the text, and the rest is
//! skipped; a member read twice makes the object unreadable (RFC 7519 §4).

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::claims_set::Text;
use super::registered_claims::RawRegistered;

/// The members a reader keeps besides the registered claims.
pub(crate) trait OtherMembers<'de> {
    /// Whether the member `name` is kept.
    fn wants(&self, name: &str) -> bool;

    /// Keeps `value`, the value of the wanted member `name`; `false` when
    /// that member was read before.
    fn keep(&mut self, name: &str, value: &'de RawValue) -> bool;
}

/// The members read from one object.
pub(crate) struct Members<'de, O> {
    pub(crate) registered: RawRegistered<'de>,
    pub(crate) other: O,
}

/// Reads `json`, keeping the registered claims and what `other` wants:
/// `None` unless it is one JSON object with no member read twice.
pub(crate) fn read<'de, O: OtherMembers<'de>>(json: &'de str, other: O) -> Option<Members<'de, O>> {
    if !super::header::is_object(json.as_bytes()) {
        return None;
    }
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let members = deserializer.deserialize_map(MembersVisitor(other)).ok()?;
    deserializer.end().ok()?;
    Some(members)
}

struct MembersVisitor<O>(O);

impl<'de, O: OtherMembers<'de>> Visitor<'de> for MembersVisitor<O> {
    type Value = Members<'de, O>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of claims")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut registered = RawRegistered::default();
        let mut other = self.0;
        while let Some(name) = map.next_key::<Text<'de>>()? {
            let name = name.as_str();
            let wanted = other.wants(name);
            if registered.slot(name).is_none() && !wanted {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: &'de RawValue = map.next_value()?;
            let repeated = registered
                .slot(name)
                .is_some_and(|slot| slot.replace(value).is_some());
            if repeated || (wanted && !other.keep(name, value)) {
                return Err(de::Error::custom("a member is read twice"));
            }
        }
        Ok(Members { registered, other })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keeps `extra`.
    #[derive(Default)]
    struct Extra<'de>(Option<&'de RawValue>);

    impl<'de> OtherMembers<'de> for Extra<'de> {
        fn wants(&self, name: &str) -> bool {
            name == "extra"
        }

        fn keep(&mut self, _: &str, value: &'de RawValue) -> bool {
            self.0.replace(value).is_none()
        }
    }

    #[test]
    fn registered_and_wanted_members_are_kept_the_rest_skipped() {
        let members = read(
            r#"{"iss": "x", "extra": [1], "other": {"a": 1}}"#,
            Extra::default(),
        )
        .unwrap();
        assert_eq!(members.registered.issuer().unwrap(), "x");
        assert_eq!(members.other.0.unwrap().get(), "[1]");
    }

    #[test]
    fn a_member_read_twice_is_unreadable_an_ignored_one_is_not() {
        for json in [r#"{"exp": 1, "exp": 2}"#, r#"{"extra": 1, "extra": 2}"#] {
            assert!(read(json, Extra::default()).is_none(), "{json}");
        }
        assert!(read(r#"{"other": 1, "other": 2}"#, Extra::default()).is_some());
    }

    #[test]
    fn only_one_object_is_read() {
        for json in ["[]", "1", "\"x\"", "null", "{} {}", "{", "", "[{}]"] {
            assert!(read(json, Extra::default()).is_none(), "{json}");
        }
    }
}
