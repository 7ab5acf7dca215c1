//! Template scopes such as `transaction-{tx}`, filled from path parameters
//! (SPEC §2.4).
//!
//! A filled template must be granted **exactly**: no hierarchy, no prefix
//! wildcard, so a granted `transaction-` covers nothing and `transaction-1`
//! does not cover `transaction-10`.
//!
//! ```
//! use scopeguard_core::ScopeTemplate;
//!
//! let template = ScopeTemplate::new("transaction-{tx}").unwrap();
//! assert_eq!(template.parameters().collect::<Vec<_>>(), ["tx"]);
//! assert_eq!(template.fill(&[("tx", "42")]).unwrap().as_str(), "transaction-42");
//! assert!(template.fill(&[("tx", "4 2")]).is_err());
//! ```

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;

use crate::Scope;
use crate::scopes::scope::{ScopeError, is_scope_byte, validate};

/// Values of a route's path parameters, by name.
///
/// Implemented for slices, arrays and vectors of `(name, value)` pairs, for
/// `HashMap<String, String>`, and for `()` (no parameters). Adapters implement
/// it for their framework's matched path parameters.
pub trait PathParams {
    /// The value of the parameter `name`, if the route has one.
    fn get(&self, name: &str) -> Option<&str>;
}

impl PathParams for () {
    fn get(&self, _: &str) -> Option<&str> {
        None
    }
}

impl<K: AsRef<str>, V: AsRef<str>> PathParams for [(K, V)] {
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(key, _)| key.as_ref() == name)
            .map(|(_, value)| value.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> PathParams for [(K, V); N] {
    fn get(&self, name: &str) -> Option<&str> {
        PathParams::get(self.as_slice(), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> PathParams for Vec<(K, V)> {
    fn get(&self, name: &str) -> Option<&str> {
        PathParams::get(self.as_slice(), name)
    }
}

impl<S: BuildHasher> PathParams for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        HashMap::get(self, name).map(String::as_str)
    }
}

impl<T: PathParams + ?Sized> PathParams for &T {
    fn get(&self, name: &str) -> Option<&str> {
        (**self).get(name)
    }
}

/// Why a template scope is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The template breaks the scope grammar.
    #[error(transparent)]
    Grammar(#[from] ScopeError),
    /// A `{` has no matching `}`.
    #[error("unclosed '{{' at byte {index}")]
    UnclosedBrace {
        /// Byte offset of the `{`.
        index: usize,
    },
    /// A `}` has no matching `{`.
    #[error("unmatched '}}' at byte {index}")]
    UnmatchedBrace {
        /// Byte offset of the `}`.
        index: usize,
    },
    /// The template has no `{name}` placeholder.
    #[error("a template needs a {{name}} placeholder")]
    NoParameter,
    /// A parameter name is empty or not an identifier (`[A-Za-z_][A-Za-z0-9_]*`).
    #[error("invalid parameter name at byte {index}: expected an identifier")]
    InvalidParameterName {
        /// Byte offset of the `{` that opens the name.
        index: usize,
    },
}

/// Why a template cannot be filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FillError {
    /// The route has no parameter of this name: a configuration error.
    #[error("the route has no path parameter `{0}`")]
    MissingParameter(String),
    /// The value is empty or, filled in, breaks the scope grammar.
    #[error("the value of path parameter `{0}` cannot be part of a scope")]
    InvalidValue(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    Literal { start: usize, end: usize },
    Parameter { start: usize, end: usize },
}

/// A required scope with `{param}` placeholders filled from path parameters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ScopeTemplate {
    text: Box<str>,
    parts: Box<[Part]>,
}

fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == b'_')
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

impl ScopeTemplate {
    /// Parses a template. It must hold at least one `{name}` placeholder.
    pub fn new(text: impl Into<String>) -> Result<Self, TemplateError> {
        let text: String = text.into();
        validate(&text)?;
        // Validated above: the text is ASCII, so byte offsets are char offsets.
        let bytes = text.as_bytes();
        let mut parts = Vec::new();
        let mut literal_start = 0;
        let mut index = 0;
        while index < bytes.len() {
            match bytes[index] {
                b'{' => {
                    if literal_start < index {
                        parts.push(Part::Literal {
                            start: literal_start,
                            end: index,
                        });
                    }
                    let close = text[index..]
                        .find('}')
                        .map(|offset| index + offset)
                        .ok_or(TemplateError::UnclosedBrace { index })?;
                    if !is_identifier(&text[index + 1..close]) {
                        return Err(TemplateError::InvalidParameterName { index });
                    }
                    parts.push(Part::Parameter {
                        start: index + 1,
                        end: close,
                    });
                    literal_start = close + 1;
                    index = close + 1;
                }
                b'}' => return Err(TemplateError::UnmatchedBrace { index }),
                _ => index += 1,
            }
        }
        if literal_start < text.len() {
            parts.push(Part::Literal {
                start: literal_start,
                end: text.len(),
            });
        }
        if !parts.iter().any(|part| matches!(part, Part::Parameter { .. })) {
            return Err(TemplateError::NoParameter);
        }
        Ok(Self {
            text: text.into_boxed_str(),
            parts: parts.into_boxed_slice(),
        })
    }

    /// The template as written, placeholders included.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The names of the placeholders, in order.
    pub fn parameters(&self) -> impl Iterator<Item = &str> + '_ {
        self.parts.iter().filter_map(|part| match *part {
            Part::Parameter { start, end } => Some(&self.text[start..end]),
            Part::Literal { .. } => None,
        })
    }

    /// The fixed text before the first placeholder (`transaction-` for
    /// `transaction-{tx}`).
    pub fn fixed_prefix(&self) -> &str {
        match self.parts.first() {
            Some(Part::Literal { end, .. }) => &self.text[..*end],
            _ => "",
        }
    }

    /// The first placeholder whose parameter the route does not supply.
    pub fn missing_parameter<'a>(&'a self, params: &(impl PathParams + ?Sized)) -> Option<&'a str> {
        self.parameters().find(|name| params.get(name).is_none())
    }

    /// Fills every placeholder.
    pub fn fill(&self, params: &(impl PathParams + ?Sized)) -> Result<Scope, FillError> {
        let mut filled = String::with_capacity(self.text.len() + 16);
        for part in &*self.parts {
            match *part {
                Part::Literal { start, end } => filled.push_str(&self.text[start..end]),
                Part::Parameter { start, end } => {
                    filled.push_str(param_value(&self.text[start..end], params)?);
                }
            }
        }
        Ok(Scope::new(filled).expect("literal parts and checked values are valid scope text"))
    }

    /// Whether `granted` equals the filled template, without building it.
    ///
    /// `false` when a value is missing or invalid.
    pub(crate) fn matches_filled(&self, granted: &str, params: &(impl PathParams + ?Sized)) -> bool {
        let mut rest = granted;
        for part in &*self.parts {
            let piece = match *part {
                Part::Literal { start, end } => &self.text[start..end],
                Part::Parameter { start, end } => match param_value(&self.text[start..end], params) {
                    Ok(value) => value,
                    Err(_) => return false,
                },
            };
            match rest.strip_prefix(piece) {
                Some(remaining) => rest = remaining,
                None => return false,
            }
        }
        rest.is_empty()
    }
}

/// The value of parameter `name`, checked to be a non-empty run of scope characters.
fn param_value<'p>(name: &str, params: &'p (impl PathParams + ?Sized)) -> Result<&'p str, FillError> {
    let value = params
        .get(name)
        .ok_or_else(|| FillError::MissingParameter(name.to_owned()))?;
    if value.is_empty() || !value.bytes().all(is_scope_byte) {
        return Err(FillError::InvalidValue(name.to_owned()));
    }
    Ok(value)
}

impl fmt::Debug for ScopeTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ScopeTemplate").field(&&*self.text).finish()
    }
}

impl fmt::Display for ScopeTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}
