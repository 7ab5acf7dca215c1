//! A single scope token and the RFC 6749 §3.3 grammar.
//!
//! ```text
//! scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
//! ```
//!
//! That is: printable ASCII except space, `"` and `\`. Scopes are
//! case-sensitive.
//!
//! ```
//! use scopeguard_core::Scope;
//!
//! // Checked when the constant is evaluated: a bad literal fails to compile.
//! const PRICE_WRITE: Scope = Scope::from_static("inventory:price.write");
//!
//! assert_eq!(PRICE_WRITE.as_str(), "inventory:price.write");
//! assert!(Scope::new("inventory price").is_err());
//! ```
//!
//! A literal that breaks the grammar is rejected at compile time when used in
//! a `const`:
//!
//! ```compile_fail
//! use scopeguard_core::Scope;
//! const BAD: Scope = Scope::from_static("two words");
//! ```

use std::borrow::{Borrow, Cow};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

pub use super::grammar::is_scope_byte;
use super::shape::{DefaultShape, default_shape};

/// Why a string is not a valid scope token.
///
/// The error names the offending position and the class of character, never
/// the string itself, so it is safe to show to a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// The scope is the empty string.
    #[error("a scope must not be empty")]
    Empty,
    /// The scope contains a character outside the scope-token grammar.
    #[error("a scope must not contain {} (at byte {index})", describe_byte(*.byte))]
    InvalidCharacter {
        /// Byte offset of the first offending character.
        index: usize,
        /// The offending byte (the first byte of a multi-byte character).
        byte: u8,
    },
}

impl ScopeError {
    /// A stable label for this kind of error.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::Empty => "empty_scope",
            Self::InvalidCharacter { .. } => "invalid_scope_character",
        }
    }
}

/// Names the class of a byte that is not allowed in a scope.
pub(crate) const fn describe_byte(byte: u8) -> &'static str {
    match byte {
        b' ' => "a space",
        b'"' => "a double quote",
        b'\\' => "a backslash",
        0x80..=0xFF => "a non-ASCII character",
        _ => "a control character",
    }
}

/// Checks `text` against the scope-token grammar.
///
/// ```
/// use scopeguard_core::scopes::scope::validate;
///
/// assert!(validate("urn:example:read").is_ok());
/// assert!(validate("a\tb").is_err());
/// ```
pub const fn validate(text: &str) -> Result<(), ScopeError> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Err(ScopeError::Empty);
    }
    let mut index = 0;
    while index < bytes.len() {
        if !is_scope_byte(bytes[index]) {
            return Err(ScopeError::InvalidCharacter {
                index,
                byte: bytes[index],
            });
        }
        index += 1;
    }
    Ok(())
}

/// A validated scope token.
///
/// A `Scope` can only hold a string that matches the RFC 6749 §3.3 grammar.
/// Compare it with other scopes or with `&str` byte for byte; hierarchy and
/// implications are the business of [`ScopePolicy`](crate::ScopePolicy).
#[derive(Clone)]
pub struct Scope {
    text: Cow<'static, str>,
    /// Its place in the default hierarchy, worked out once.
    shape: Option<DefaultShape>,
}

impl Scope {
    /// Validates `text` as a scope.
    ///
    /// ```
    /// use scopeguard_core::{Scope, ScopeError};
    ///
    /// assert!(Scope::new("order:item").is_ok());
    /// assert_eq!(Scope::new(""), Err(ScopeError::Empty));
    /// ```
    pub fn new(text: impl Into<Cow<'static, str>>) -> Result<Self, ScopeError> {
        let text = text.into();
        validate(&text)?;
        Ok(Self {
            shape: default_shape(&text),
            text,
        })
    }

    /// A scope from a literal, usable in `const` items.
    ///
    /// # Panics
    ///
    /// Panics when `text` breaks the grammar. In a `const` item that panic is
    /// a compile error, which is the intended use.
    pub const fn from_static(text: &'static str) -> Self {
        match validate(text) {
            Ok(()) => Self {
                text: Cow::Borrowed(text),
                shape: default_shape(text),
            },
            Err(ScopeError::Empty) => panic!("a scope must not be empty"),
            Err(ScopeError::InvalidCharacter { .. }) => {
                panic!("a scope must be printable ASCII without space, '\"' or '\\'")
            }
        }
    }

    /// The scope as a string slice.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Its place in the hierarchy of the default grammar (`:`, `.write`).
    pub(crate) fn default_shape(&self) -> Option<DefaultShape> {
        self.shape
    }
}

// Equality, order and hash are those of the text (the shape follows from
// it), as `Borrow<str>` requires.
impl PartialEq for Scope {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Scope {}

impl PartialOrd for Scope {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scope {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text.cmp(&other.text)
    }
}

impl Hash for Scope {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl AsRef<str> for Scope {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Scope {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Scope {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Scope {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl FromStr for Scope {
    type Err = ScopeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text.to_owned())
    }
}

impl TryFrom<String> for Scope {
    type Error = ScopeError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::new(text)
    }
}

impl TryFrom<&str> for Scope {
    type Error = ScopeError;

    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::new(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_accepts_every_printable_ascii_but_space_quote_backslash() {
        for byte in 0u8..=255 {
            let allowed = byte.is_ascii_graphic() && byte != b'"' && byte != b'\\';
            assert_eq!(is_scope_byte(byte), allowed, "byte {byte:#x}");
        }
    }

    #[test]
    fn empty_scope_is_rejected() {
        assert_eq!(Scope::new(""), Err(ScopeError::Empty));
    }

    #[test]
    fn each_forbidden_character_is_rejected_with_its_position() {
        for (text, index) in [
            ("a b", 1),
            ("a\"b", 1),
            ("a\\b", 1),
            ("ab\t", 2),
            ("é", 0),
            ("a\u{7f}", 1),
        ] {
            match Scope::new(text) {
                Err(ScopeError::InvalidCharacter { index: at, .. }) => assert_eq!(at, index, "{text:?}"),
                other => panic!("{text:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn error_never_echoes_the_input() {
        let error = Scope::new("secret value").unwrap_err().to_string();
        assert!(!error.contains("secret"), "{error}");
        assert_eq!(error, "a scope must not contain a space (at byte 6)");
    }

    #[test]
    fn scopes_are_case_sensitive() {
        assert_ne!(Scope::from_static("Order"), Scope::from_static("order"));
    }

    #[test]
    fn const_literal_is_usable() {
        const READ: Scope = Scope::from_static("https://api.example.com/read");
        assert_eq!(READ, "https://api.example.com/read");
    }

    #[test]
    #[should_panic(expected = "a scope must be printable ASCII")]
    fn runtime_from_static_panics_on_bad_literal() {
        let text = String::from("a b").leak();
        let _ = Scope::from_static(text);
    }
}
