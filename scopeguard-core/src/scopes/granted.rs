//! The set of scopes a token grants (SPEC §2.1, §2.2).
//!
//! A granted set is parsed from a space-delimited `scope` string or from a JSON
//! array of scope tokens. Any character outside the scope grammar makes the
//! whole list invalid: a token with a malformed scope list is rejected, never
//! trimmed down to its "good" scopes. Runs of spaces and leading or trailing
//! spaces are tolerated.
//!
//! ```
//! use scopeguard_core::GrantedScopes;
//!
//! let granted = GrantedScopes::from_space_delimited("  order:item  inventory ").unwrap();
//! assert_eq!(granted.len(), 2);
//! assert!(granted.contains("inventory"));
//! assert_eq!(granted.to_string(), "inventory order:item");
//!
//! assert!(GrantedScopes::from_space_delimited("order\titem").is_err());
//! ```

use std::cmp::Ordering;
use std::fmt;

use crate::Scope;
use crate::scopes::scope::{ScopeError, describe_byte, is_scope_byte, validate};
use crate::scopes::shape::LengthSet;

/// Why a granted scope list is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GrantedScopesError {
    /// The space-delimited list contains a character outside the grammar.
    #[error("the scope list must not contain {} (at byte {index})", describe_byte(*.byte))]
    InvalidCharacter {
        /// Byte offset of the offending character.
        index: usize,
        /// The offending byte.
        byte: u8,
    },
    /// An element of a scope array is not exactly one scope token.
    #[error("scope array element {position} is not a single scope: {source}")]
    InvalidElement {
        /// Position of the element in the array, from 0.
        position: usize,
        /// What is wrong with it.
        source: ScopeError,
    },
}

impl GrantedScopesError {
    /// A stable label for this kind of error.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::InvalidCharacter { .. } => "invalid_scope_list",
            Self::InvalidElement { .. } => "invalid_scope_element",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Span {
    start: usize,
    end: usize,
}

/// Byte order of two scopes. Most comparisons of a binary search are decided
/// by the first byte, so that one is compared before the whole strings.
#[inline]
fn compare(scope: &str, other: &str) -> Ordering {
    match (scope.as_bytes().first(), other.as_bytes().first()) {
        (Some(first), Some(other_first)) if first != other_first => first.cmp(other_first),
        _ => scope.cmp(other),
    }
}

/// Up to this many scopes, [`GrantedScopes::contains`] scans instead of
/// searching.
const LINEAR_SEARCH_MAX: usize = 16;

/// The scopes granted to a token: a sorted, duplicate-free set of valid scope
/// tokens held in one buffer.
///
/// Equality is set equality: order and duplicates in the source do not
/// matter. [`Display`](fmt::Display) writes the canonical space-delimited form,
/// which parses back to an equal set.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct GrantedScopes {
    /// The scopes, sorted, deduplicated and joined by single spaces.
    text: String,
    spans: Vec<Span>,
}

impl GrantedScopes {
    /// The empty set.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Parses a space-delimited scope list (the `scope` claim, RFC 9068).
    ///
    /// Only `' '` separates scopes; any other character outside the grammar
    /// (a tab, a quote, a backslash, a control or non-ASCII character) makes
    /// the whole list invalid.
    pub fn from_space_delimited(list: &str) -> Result<Self, GrantedScopesError> {
        let mut spaces = 0_usize;
        for (index, &byte) in list.as_bytes().iter().enumerate() {
            if byte == b' ' {
                spaces += 1;
            } else if !is_scope_byte(byte) {
                return Err(GrantedScopesError::InvalidCharacter { index, byte });
            }
        }
        let mut tokens = Vec::with_capacity(spaces + 1);
        tokens.extend(list.split(' ').filter(|token| !token.is_empty()));
        Ok(Self::from_token_list(tokens))
    }

    /// Builds a set from a list of scope tokens (the array form of the `scp`
    /// claim). Each element must be exactly one valid scope token.
    ///
    /// ```
    /// use scopeguard_core::GrantedScopes;
    ///
    /// let granted = GrantedScopes::from_tokens(["b", "a", "b"]).unwrap();
    /// assert_eq!(granted.iter().collect::<Vec<_>>(), ["a", "b"]);
    /// assert!(GrantedScopes::from_tokens(["a b"]).is_err());
    /// ```
    pub fn from_tokens<I>(tokens: I) -> Result<Self, GrantedScopesError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let tokens: Vec<I::Item> = tokens.into_iter().collect();
        for (position, token) in tokens.iter().enumerate() {
            validate(token.as_ref())
                .map_err(|source| GrantedScopesError::InvalidElement { position, source })?;
        }
        Ok(Self::from_valid_tokens(tokens.iter().map(AsRef::as_ref)))
    }

    /// Builds the canonical set from tokens already known to be valid.
    fn from_valid_tokens<'a>(tokens: impl Iterator<Item = &'a str>) -> Self {
        Self::from_token_list(tokens.collect())
    }

    /// Builds the canonical set from a list of valid tokens.
    fn from_token_list(mut tokens: Vec<&str>) -> Self {
        tokens.sort_unstable();
        tokens.dedup();
        let capacity = tokens.iter().map(|token| token.len() + 1).sum::<usize>();
        let mut text = String::with_capacity(capacity.saturating_sub(1));
        let mut spans = Vec::with_capacity(tokens.len());
        for token in tokens {
            if !text.is_empty() {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(token);
            spans.push(Span {
                start,
                end: text.len(),
            });
        }
        Self { text, spans }
    }

    /// The number of distinct scopes.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether no scope is granted.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The scopes in ascending byte order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            text: &self.text,
            spans: self.spans.iter(),
        }
    }

    /// Whether `scope` is granted exactly (no hierarchy, no implications).
    pub fn contains(&self, scope: &str) -> bool {
        if self.spans.len() <= LINEAR_SEARCH_MAX {
            // Comparing lengths first rejects most scopes without reading
            // them: cheaper than a binary search's ordered comparisons.
            self.spans
                .iter()
                .any(|span| span.end - span.start == scope.len() && self.scope(*span) == scope)
        } else {
            self.spans
                .binary_search_by(|span| compare(self.scope(*span), scope))
                .is_ok()
        }
    }

    /// Whether `test` holds for a candidate: every granted scope that starts
    /// with `prefix` and has a length in `lengths` is one, in ascending
    /// order. In a small set, the other scopes with the prefix's first byte
    /// and such a length are candidates too, and in a larger one the scopes
    /// with the prefix and another length, so `test` must check the whole
    /// scope.
    ///
    /// A small set is scanned on lengths and first bytes alone; a larger one
    /// is binary-searched for the prefix.
    pub(crate) fn any_candidate<'a>(
        &'a self,
        prefix: &str,
        lengths: LengthSet,
        mut test: impl FnMut(&'a str) -> bool,
    ) -> bool {
        let Some(&first) = prefix.as_bytes().first() else {
            return self.iter().any(test);
        };
        if self.spans.len() <= LINEAR_SEARCH_MAX {
            let bytes = self.text.as_bytes();
            // Scopes are never empty: `start` indexes the first byte.
            return self.spans.iter().any(|span| {
                lengths.contains(span.end - span.start)
                    && bytes[span.start] == first
                    && test(self.scope(*span))
            });
        }
        let start = self
            .spans
            .partition_point(|span| compare(self.scope(*span), prefix).is_lt());
        self.spans[start..]
            .iter()
            .map(|span| self.scope(*span))
            .take_while(|scope| scope.starts_with(prefix))
            .any(test)
    }

    /// The scopes as bytes, when the set is small enough that a scan beats
    /// a search.
    #[inline]
    pub(crate) fn small_scan(&self) -> Option<impl Iterator<Item = &[u8]>> {
        let bytes = self.text.as_bytes();
        (self.spans.len() <= LINEAR_SEARCH_MAX)
            .then(|| self.spans.iter().map(move |span| &bytes[span.start..span.end]))
    }

    #[inline]
    fn scope(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// The canonical space-delimited form: sorted, single spaces.
    pub fn as_space_delimited(&self) -> &str {
        &self.text
    }

    /// The union of this set and `other`.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        Self::from_valid_tokens(self.iter().chain(other.iter()))
    }
}

impl fmt::Debug for GrantedScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl fmt::Display for GrantedScopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.text)
    }
}

impl FromIterator<Scope> for GrantedScopes {
    fn from_iter<T: IntoIterator<Item = Scope>>(iter: T) -> Self {
        let scopes: Vec<Scope> = iter.into_iter().collect();
        Self::from_valid_tokens(scopes.iter().map(Scope::as_str))
    }
}

impl std::str::FromStr for GrantedScopes {
    type Err = GrantedScopesError;

    fn from_str(list: &str) -> Result<Self, Self::Err> {
        Self::from_space_delimited(list)
    }
}

impl<'a> IntoIterator for &'a GrantedScopes {
    type Item = &'a str;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Iterator over the scopes of a [`GrantedScopes`], in ascending order.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    text: &'a str,
    spans: std::slice::Iter<'a, Span>,
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        self.spans.next().map(|span| &self.text[span.start..span.end])
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl serde::Serialize for GrantedScopes {
    /// Serializes as the canonical space-delimited string.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for GrantedScopes {
    /// Accepts a space-delimited string or an array of scope tokens; any other
    /// JSON type (number, object, `null`, an array of non-strings) is an error.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(GrantedScopesVisitor)
    }
}

struct GrantedScopesVisitor;

impl<'de> serde::de::Visitor<'de> for GrantedScopesVisitor {
    type Value = GrantedScopes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a space-delimited scope string or an array of scope strings")
    }

    fn visit_str<E: serde::de::Error>(self, list: &str) -> Result<Self::Value, E> {
        GrantedScopes::from_space_delimited(list).map_err(E::custom)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut tokens: Vec<std::borrow::Cow<'de, str>> =
            Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(token) = seq.next_element::<BorrowedOrOwned<'de>>()? {
            tokens.push(token.0);
        }
        GrantedScopes::from_tokens(tokens).map_err(serde::de::Error::custom)
    }
}

/// A string element that borrows from the input when it can.
struct BorrowedOrOwned<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for BorrowedOrOwned<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> serde::de::Visitor<'de> for StrVisitor {
            type Value = BorrowedOrOwned<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scope string")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(BorrowedOrOwned(std::borrow::Cow::Borrowed(text)))
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(BorrowedOrOwned(std::borrow::Cow::Owned(text.to_owned())))
            }
        }
        deserializer.deserialize_str(StrVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(list: &str) -> GrantedScopes {
        GrantedScopes::from_space_delimited(list).expect(list)
    }

    #[test]
    fn contains_finds_exactly_the_members_scanned_or_searched() {
        // Sizes on both sides of the switch from scanning to searching.
        let edge = LINEAR_SEARCH_MAX;
        for size in [0, 1, 2, edge - 1, edge, edge + 1, 40] {
            let members: Vec<String> = (0..size).map(|n| format!("scope:{}", n * 7)).collect();
            let set = GrantedScopes::from_tokens(&members).unwrap();
            for n in 0..size * 7 + 3 {
                let candidate = format!("scope:{n}");
                assert_eq!(
                    set.contains(&candidate),
                    members.contains(&candidate),
                    "{size} {candidate}"
                );
            }
            assert!(!set.contains(""));
            assert!(!set.contains("scope:"));
        }
    }

    #[test]
    fn runs_of_spaces_and_outer_spaces_are_tolerated() {
        assert_eq!(parse("  a   b "), parse("a b"));
        assert!(parse("   ").is_empty());
        assert!(parse("").is_empty());
    }

    #[test]
    fn order_and_duplicates_are_irrelevant() {
        assert_eq!(parse("b a b"), parse("a b"));
        assert_eq!(parse("b a b").len(), 2);
    }

    #[test]
    fn any_bad_character_invalidates_the_whole_list() {
        for list in ["a\tb", "a \"b\"", "a b\\c", "a é", "a\u{0}", "a\nb", "a\u{a0}b"] {
            assert!(GrantedScopes::from_space_delimited(list).is_err(), "{list:?}");
        }
    }

    #[test]
    fn array_elements_must_each_be_one_scope() {
        assert!(GrantedScopes::from_tokens(["a", "b c"]).is_err());
        assert!(GrantedScopes::from_tokens(["a", ""]).is_err());
        assert!(GrantedScopes::from_tokens([" a"]).is_err());
        assert_eq!(GrantedScopes::from_tokens(["b", "a"]).unwrap(), parse("a b"));
    }

    #[test]
    fn json_string_and_array_forms_deserialize() {
        let from_string: GrantedScopes = serde_json::from_str(r#"" order  inventory""#).unwrap();
        let from_array: GrantedScopes = serde_json::from_str(r#"["inventory", "order"]"#).unwrap();
        assert_eq!(from_string, from_array);
        let escaped: GrantedScopes = serde_json::from_str(r#"["a\u0062"]"#).unwrap();
        assert_eq!(escaped, parse("ab"));
    }

    #[test]
    fn json_wrong_types_are_rejected() {
        for json in [
            "1",
            "null",
            "{}",
            "[1]",
            "[null]",
            r#"["a", ["b"]]"#,
            "true",
            r#"["a b"]"#,
            r#""a\tb""#,
        ] {
            assert!(serde_json::from_str::<GrantedScopes>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn exact_lookup() {
        let granted = parse("order:item inventory");
        assert!(granted.contains("inventory"));
        assert!(!granted.contains("order"));
    }

    #[test]
    fn candidates_are_the_scopes_with_the_prefix_or_its_first_byte() {
        fn candidates<'a>(granted: &'a GrantedScopes, prefix: &str) -> Vec<&'a str> {
            let mut found = Vec::new();
            granted.any_candidate(prefix, LengthSet::ALL, |scope| {
                found.push(scope);
                false
            });
            found
        }
        let small = parse("a ab abc:d b order order:item orders z");
        assert_eq!(candidates(&small, "order"), ["order", "order:item", "orders"]);
        assert_eq!(candidates(&small, "ab"), ["a", "ab", "abc:d"]);
        assert_eq!(candidates(&small, ""), small.iter().collect::<Vec<_>>());
        assert!(candidates(&small, "c").is_empty());
        assert_eq!(candidates(&small, "zz"), ["z"]);
        assert!(!GrantedScopes::empty().any_candidate("a", LengthSet::ALL, |_| true));

        // Past the scan's size, a binary search finds exactly the prefixed ones.
        let large: GrantedScopes = (0..40)
            .map(|index| format!("a{index:02} b{index:02}"))
            .collect::<Vec<_>>()
            .join(" ")
            .parse()
            .unwrap();
        assert!(large.len() > LINEAR_SEARCH_MAX);
        assert_eq!(
            candidates(&large, "b1"),
            (10..20).map(|index| format!("b{index}")).collect::<Vec<_>>()
        );
        assert!(candidates(&large, "c").is_empty());
        // Whatever the size, `test` stops the walk.
        assert!(large.any_candidate("a3", LengthSet::ALL, |scope| scope == "a35"));
    }

    #[test]
    fn union_merges_sets() {
        assert_eq!(parse("a c").union(&parse("b a")), parse("a b c"));
    }
}
