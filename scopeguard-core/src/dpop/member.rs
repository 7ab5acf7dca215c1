//! One member of a DPoP proof's header or claims, read without building a
//! JSON tree: text is borrowed from the decoded JSON when it holds no
//! escape, so the checks allocate nothing for `typ`, `alg`, `htm`, `htu`
//! and `ath`. A member of the wrong type is kept as such, so that each
//! check still fails with its own error.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A header or claim member: text, a number, or anything else (`true`, an
/// object, an array). JSON `null` reads as an absent member.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Member<'a> {
    /// A string.
    Text(Cow<'a, str>),
    /// A number.
    Number(serde_json::Number),
    /// A boolean, an object or an array.
    Other,
}

impl<'a> Member<'a> {
    /// The text, when the member is a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            Self::Number(_) | Self::Other => None,
        }
    }

    /// The text, owned, when the member is a string.
    pub(crate) fn into_text(self) -> Option<Cow<'a, str>> {
        match self {
            Self::Text(text) => Some(text),
            Self::Number(_) | Self::Other => None,
        }
    }

    /// The number, when the member is one.
    pub(crate) fn as_number(&self) -> Option<&serde_json::Number> {
        match self {
            Self::Number(number) => Some(number),
            Self::Text(_) | Self::Other => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Member<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MemberVisitor)
    }
}

struct MemberVisitor;

impl<'de> Visitor<'de> for MemberVisitor {
    type Value = Member<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Member<'de>, E> {
        Ok(Member::Text(Cow::Borrowed(text)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Member<'de>, E> {
        Ok(Member::Text(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Member<'de>, E> {
        Ok(Member::Text(Cow::Owned(text)))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<Member<'de>, E> {
        Ok(Member::Number(number.into()))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Member<'de>, E> {
        Ok(Member::Number(number.into()))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<Member<'de>, E> {
        Ok(serde_json::Number::from_f64(number).map_or(Member::Other, Member::Number))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Member<'de>, E> {
        Ok(Member::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Member<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Member::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Member<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Member::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Holder<'a> {
        #[serde(borrow)]
        member: Option<Member<'a>>,
    }

    fn member(json: &str) -> Option<Member<'_>> {
        serde_json::from_str::<Holder<'_>>(json)
            .expect("valid JSON")
            .member
    }

    #[test]
    fn text_without_escapes_is_borrowed_and_with_escapes_is_read() {
        assert!(matches!(
            member(r#"{"member":"dpop+jwt"}"#),
            Some(Member::Text(Cow::Borrowed("dpop+jwt")))
        ));
        assert_eq!(
            member(r#"{"member":"a\u0062c"}"#)
                .as_ref()
                .and_then(Member::as_str),
            Some("abc")
        );
    }

    #[test]
    fn numbers_keep_their_value_and_other_types_are_not_text() {
        assert_eq!(
            member(r#"{"member":1700000000}"#)
                .and_then(|m| m.as_number().and_then(serde_json::Number::as_i64)),
            Some(1_700_000_000)
        );
        assert_eq!(
            member(r#"{"member":-5}"#).and_then(|m| m.as_number().and_then(serde_json::Number::as_i64)),
            Some(-5)
        );
        assert_eq!(
            member(r#"{"member":1.5}"#).and_then(|m| m.as_number().and_then(serde_json::Number::as_f64)),
            Some(1.5)
        );
        for json in [
            r#"{"member":true}"#,
            r#"{"member":{"a":[1,{"b":2}]}}"#,
            r#"{"member":[1,"x"]}"#,
        ] {
            let read = member(json);
            assert_eq!(read, Some(Member::Other), "{json}");
            assert_eq!(read.as_ref().and_then(Member::as_str), None);
        }
    }

    #[test]
    fn null_and_absence_read_as_no_member() {
        assert_eq!(member(r#"{"member":null}"#), None);
        assert_eq!(member("{}"), None);
    }

    #[test]
    fn a_repeated_member_is_an_error() {
        assert!(serde_json::from_str::<Holder<'_>>(r#"{"member":"a","member":"b"}"#).is_err());
    }
}
