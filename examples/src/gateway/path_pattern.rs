//! Path patterns of the route table: `/orders/{id}/items`, `/static/{*rest}`.
//!
//! A pattern is a list of `/`-separated segments: a literal matches the
//! same text exactly (compared on the raw, percent-encoded path), `{name}`
//! matches one non-empty segment, and a last `{*name}` matches the rest of
//! the path (one segment or more). Parameters are percent-decoded, for the
//! template requirements (SPEC §2.4) that read them.

use std::fmt;

/// One segment of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
    Rest(String),
}

/// A parsed path pattern.
#[derive(Clone, PartialEq, Eq)]
pub struct PathPattern {
    text: String,
    segments: Vec<Segment>,
}

/// Why a pattern is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// The pattern does not start with `/`.
    #[error("a path pattern starts with `/`")]
    NotAbsolute,
    /// A `{...}` segment is not a whole segment, or its name is empty or not
    /// made of letters, digits and `_`.
    #[error("`{0}` is not a parameter: write `{{name}}` or `{{*name}}` as a whole segment")]
    BadParameter(String),
    /// `{*name}` is not the last segment.
    #[error("`{{*{0}}}` must be the last segment")]
    RestNotLast(String),
    /// Two parameters have the same name.
    #[error("the parameter `{0}` appears twice")]
    DuplicateParameter(String),
    /// A segment is `.` or `..`.
    #[error("a pattern has no `.` or `..` segment")]
    DotSegment,
}

impl PathPattern {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        let rest = text.strip_prefix('/').ok_or(PatternError::NotAbsolute)?;
        let mut segments = Vec::new();
        let parts: Vec<&str> = rest.split('/').collect();
        for (index, part) in parts.iter().enumerate() {
            let segment = if let Some(inner) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                match inner.strip_prefix('*') {
                    Some(name) if is_name(name) => {
                        if index + 1 != parts.len() {
                            return Err(PatternError::RestNotLast(name.to_owned()));
                        }
                        Segment::Rest(name.to_owned())
                    }
                    None if is_name(inner) => Segment::Param(inner.to_owned()),
                    _ => return Err(PatternError::BadParameter((*part).to_owned())),
                }
            } else if part.contains(['{', '}']) {
                return Err(PatternError::BadParameter((*part).to_owned()));
            } else if matches!(*part, "." | "..") {
                return Err(PatternError::DotSegment);
            } else {
                Segment::Literal((*part).to_owned())
            };
            if let Segment::Param(name) | Segment::Rest(name) = &segment
                && segments
                    .iter()
                    .any(|seen| matches!(seen, Segment::Param(other) | Segment::Rest(other) if other == name))
            {
                return Err(PatternError::DuplicateParameter(name.clone()));
            }
            segments.push(segment);
        }
        Ok(Self {
            text: text.to_owned(),
            segments,
        })
    }

    /// The parameter names, in order.
    pub fn parameters(&self) -> impl Iterator<Item = &str> + '_ {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Param(name) | Segment::Rest(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// The parameters if `path` (the raw path, without the query) matches,
    /// percent-decoded.
    pub fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
        let mut parts = path.strip_prefix('/')?.split('/');
        let mut params = Vec::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(literal) => {
                    if parts.next()? != literal {
                        return None;
                    }
                }
                Segment::Param(name) => {
                    let part = parts.next().filter(|part| !part.is_empty())?;
                    params.push((name.clone(), percent_decoded(part)));
                }
                Segment::Rest(name) => {
                    let rest: Vec<&str> = parts.by_ref().collect();
                    if rest.is_empty() || rest == [""] {
                        return None;
                    }
                    params.push((name.clone(), percent_decoded(&rest.join("/"))));
                }
            }
        }
        parts.next().is_none().then_some(params)
    }
}

impl fmt::Debug for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Display for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

/// Whether a raw path has a `.` or `..` segment, encoded or not: a proxy
/// and the server behind it may resolve those differently, so the gateway
/// refuses them rather than guess.
pub fn has_dot_segment(path: &str) -> bool {
    path.split('/').any(|segment| {
        let decoded = percent_decoded(segment);
        decoded == "." || decoded == ".."
    })
}

/// `text` with its `%XX` escapes decoded; bytes that are not UTF-8 become
/// U+FFFD (which no scope contains, so a template filled with one is
/// refused).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|byte| char::from(*byte).to_digit(16));
        match (bytes[index], hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                #[allow(clippy::cast_possible_truncation, reason = "two hex digits fit in a byte")]
                decoded.push((high * 16 + low) as u8);
                index += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pattern: &str, path: &str) -> Option<Vec<(String, String)>> {
        PathPattern::parse(pattern).unwrap().matches(path)
    }

    #[test]
    fn literals_match_exactly_and_parameters_one_segment() {
        assert_eq!(params("/health", "/health"), Some(vec![]));
        assert_eq!(params("/health", "/health/"), None);
        assert_eq!(params("/health", "/healthz"), None);
        assert_eq!(
            params("/orders/{id}/items", "/orders/7/items"),
            Some(vec![("id".into(), "7".into())])
        );
        assert_eq!(params("/orders/{id}", "/orders/"), None);
        assert_eq!(params("/orders/{id}", "/orders/7/items"), None);
        assert_eq!(
            params("/tx/{tx}", "/tx/a%20b"),
            Some(vec![("tx".into(), "a b".into())])
        );
    }

    #[test]
    fn a_rest_parameter_takes_the_rest() {
        assert_eq!(
            params("/static/{*file}", "/static/css/site.css"),
            Some(vec![("file".into(), "css/site.css".into())])
        );
        assert_eq!(params("/static/{*file}", "/static/"), None);
        assert_eq!(params("/static/{*file}", "/static"), None);
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert_eq!(PathPattern::parse("health"), Err(PatternError::NotAbsolute));
        assert!(matches!(
            PathPattern::parse("/a{b}"),
            Err(PatternError::BadParameter(_))
        ));
        assert!(matches!(
            PathPattern::parse("/{}"),
            Err(PatternError::BadParameter(_))
        ));
        assert!(matches!(
            PathPattern::parse("/{a-b}"),
            Err(PatternError::BadParameter(_))
        ));
        assert!(matches!(
            PathPattern::parse("/{*a}/b"),
            Err(PatternError::RestNotLast(_))
        ));
        assert!(matches!(
            PathPattern::parse("/{a}/{a}"),
            Err(PatternError::DuplicateParameter(_))
        ));
        assert_eq!(PathPattern::parse("/a/../b"), Err(PatternError::DotSegment));
    }

    #[test]
    fn dot_segments_are_found_encoded_or_not() {
        for path in ["/a/../b", "/a/./b", "/a/%2e%2E/b", "/a/.%2e", "/.."] {
            assert!(has_dot_segment(path), "{path}");
        }
        for path in ["/a/b", "/a/.b", "/a/..b", "/"] {
            assert!(!has_dot_segment(path), "{path}");
        }
    }
}
