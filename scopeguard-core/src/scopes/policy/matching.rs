//! Coverage of one required scope by one granted scope (SPEC §2.3).

use super::{DEFAULT_SEPARATOR, DEFAULT_WRITE_SUFFIX, Matching, ScopePolicy};
use crate::scopes::shape::{self, DefaultShape, LengthSet};
use crate::{GrantedScopes, Scope};

/// Access level of a hierarchical scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Read,
    Write,
}

/// Where a scope sits in the hierarchy.
#[derive(Debug, Clone, Copy)]
struct Hierarchy<'a> {
    /// The scope without its write suffix.
    path: &'a str,
    level: Level,
    /// The path up to the first separator: every scope that covers this one
    /// starts with it.
    first_segment: &'a str,
}

/// A required scope, classified once per check.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequiredScope<'a> {
    pub(crate) text: &'a str,
    /// `None` when the scope matches exactly only (opaque, empty segment, or
    /// exact-only mode).
    hierarchy: Option<Hierarchy<'a>>,
    /// The lengths a scope that covers this one can have.
    cover_lengths: LengthSet,
}

impl<'a> RequiredScope<'a> {
    /// The text every scope that covers this one starts with: its first
    /// segment under the hierarchy, the whole scope otherwise.
    pub(crate) fn candidate_prefix(&self) -> &'a str {
        self.hierarchy
            .map_or(self.text, |hierarchy| hierarchy.first_segment)
    }
}

/// Whether `scope` is opaque: it contains `://` or starts with `urn:` (in any
/// case, as URN schemes are case-insensitive).
fn is_opaque(scope: &str) -> bool {
    shape::is_opaque(scope.as_bytes())
}

/// Rules 1–3 of the default grammar in one pass: whether one of `granted`
/// is `required` or covers it through the hierarchy, by the shape
/// `required` recorded when it was made.
///
/// Only a scope with one of the lengths a covering scope can have and the
/// same first byte is read further; an exact grant is one comparison. A
/// covering scope's path is a segment-wise prefix of the required path
/// (so never opaque: that path is not, and `.write` holds no `/`).
#[inline]
pub(crate) fn covered_by_shape<'a>(
    granted: impl Iterator<Item = &'a [u8]>,
    required: &[u8],
    shape: DefaultShape,
) -> bool {
    let Some(&first) = required.first() else {
        return false;
    };
    let suffix = DEFAULT_WRITE_SUFFIX.as_bytes();
    let separator = DEFAULT_SEPARATOR.as_bytes()[0];
    for scope in granted {
        if scope.first() != Some(&first) || !shape.cover_lengths.contains(scope.len()) {
            continue;
        }
        if scope == required {
            return true;
        }
        let (path, writes) = match scope.strip_suffix(suffix) {
            Some(path) => (path, true),
            None => (scope, false),
        };
        let covers = (writes || !shape.write)
            && path.len() <= shape.path_len
            && (path.len() == shape.path_len || required[path.len()] == separator)
            && required.starts_with(path);
        if covers {
            return true;
        }
    }
    false
}

impl ScopePolicy {
    /// Splits a scope into its path and level under this policy's suffix.
    #[inline]
    fn path_and_level<'a>(&self, scope: &'a str) -> (&'a str, Level) {
        // The default suffix is a constant the compiler compares inline.
        let path = if self.default_grammar {
            scope.strip_suffix(DEFAULT_WRITE_SUFFIX)
        } else {
            scope.strip_suffix(&*self.write_suffix)
        };
        match path {
            Some(path) => (path, Level::Write),
            None => (scope, Level::Read),
        }
    }

    /// The first segment of `path`, or `None` when the path has an empty
    /// segment (`order::item`, `:order`, `order:`, or an empty path).
    fn first_segment<'a>(&self, path: &'a str) -> Option<&'a str> {
        if let &[separator] = self.separator.as_bytes() {
            // One pass: an empty path, a leading or trailing separator, or two
            // separators in a row make an empty segment.
            let mut first_end = None;
            let mut after_separator = true;
            for (index, &byte) in path.as_bytes().iter().enumerate() {
                if byte == separator {
                    if after_separator {
                        return None;
                    }
                    first_end.get_or_insert(index);
                    after_separator = true;
                } else {
                    after_separator = false;
                }
            }
            if after_separator {
                return None;
            }
            // The end is an ASCII byte or the end of the text: a char boundary.
            return path.get(..first_end.unwrap_or(path.len()));
        }
        let mut segments = path.split(&*self.separator);
        let first = segments.next().filter(|segment| !segment.is_empty())?;
        segments.all(|segment| !segment.is_empty()).then_some(first)
    }

    /// Where a scope sits in the hierarchy, or `None` for one that only
    /// ever matches exactly.
    fn hierarchy<'a>(&self, scope: &'a str) -> Option<Hierarchy<'a>> {
        if self.matching == Matching::ExactOnly || is_opaque(scope) {
            return None;
        }
        let (path, level) = self.path_and_level(scope);
        let first_segment = self.first_segment(path)?;
        Some(Hierarchy {
            path,
            level,
            first_segment,
        })
    }

    /// Classifies a required scope once, before it is compared with many
    /// granted scopes.
    pub(crate) fn classify<'a>(&self, required: &'a str) -> RequiredScope<'a> {
        RequiredScope {
            text: required,
            hierarchy: self.hierarchy(required),
            cover_lengths: LengthSet::ALL,
        }
    }

    /// Classifies a required scope from the shape it recorded when it was
    /// made, when this policy's grammar is the default one.
    #[inline]
    pub(crate) fn classify_scope<'a>(&self, required: &'a Scope) -> RequiredScope<'a> {
        if !self.default_grammar {
            return self.classify(required.as_str());
        }
        let text = required.as_str();
        match required.default_shape() {
            Some(shape) => RequiredScope {
                text,
                hierarchy: Some(Hierarchy {
                    path: &text[..shape.path_len],
                    level: if shape.write { Level::Write } else { Level::Read },
                    first_segment: &text[..shape.first_segment_len],
                }),
                cover_lengths: shape.cover_lengths,
            },
            None => RequiredScope {
                text,
                hierarchy: None,
                cover_lengths: LengthSet::ALL,
            },
        }
    }

    /// Whether the single granted scope `granted` covers `required`.
    #[inline]
    pub(crate) fn covers(&self, granted: &str, required: &RequiredScope<'_>) -> bool {
        if granted == required.text {
            return true;
        }
        let Some(hierarchy) = required.hierarchy else {
            return false;
        };
        let (granted_path, granted_level) = self.path_and_level(granted);
        // Cheapest first: the level, the length, the byte after the granted
        // path, and only then the bytes of the path.
        if granted_level < hierarchy.level || granted_path.len() > hierarchy.path.len() {
            return false;
        }
        if granted_path.len() < hierarchy.path.len() && !self.splits_at(hierarchy.path, granted_path.len()) {
            return false;
        }
        if !hierarchy.path.starts_with(granted_path) {
            return false;
        }
        // Rare: the granted path is a segment-wise prefix of a path without
        // empty segments, so it has none either; an opaque scope still
        // matches itself only. Under the default grammar the granted scope
        // cannot be opaque here: its path is a prefix of a path that is not,
        // ends with a segment, and `.write` holds no `/`.
        self.default_grammar || !is_opaque(granted)
    }

    /// Whether a separator of `path` starts at byte `at`: with a separator
    /// of several bytes, only where splitting the path finds one (`a:::b`
    /// splits on `::` into `a` and `:b`, not `a:` and `b`).
    fn splits_at(&self, path: &str, at: usize) -> bool {
        if let &[separator] = self.separator.as_bytes() {
            return path.as_bytes().get(at) == Some(&separator);
        }
        path.match_indices(&*self.separator)
            .map(|(index, _)| index)
            .take_while(|&index| index <= at)
            .any(|index| index == at)
    }

    /// Rules 1–3 over a whole granted set, without implications.
    ///
    /// A scope that covers `required` other than by equality has a path that
    /// is a segment-wise prefix of the required path, so it starts with the
    /// required scope's first segment: only the (sorted, contiguous) granted
    /// scopes with that prefix are candidates.
    pub(crate) fn covered_directly(&self, granted: &GrantedScopes, required: &RequiredScope<'_>) -> bool {
        match required.hierarchy {
            None => granted.contains(required.text),
            Some(hierarchy) => {
                granted.any_candidate(hierarchy.first_segment, required.cover_lengths, |scope| {
                    self.covers(scope, required)
                })
            }
        }
    }

    /// Whether the single granted scope `granted` covers the scope `required`.
    ///
    /// This is rules 1–3 and 5 of SPEC §2.3 for one pair; implications are
    /// applied by [`ScopePolicy::check`] over a whole granted set.
    ///
    /// ```
    /// use scopeguard_core::ScopePolicy;
    ///
    /// let policy = ScopePolicy::default();
    /// assert!(policy.scope_covers("order", "order:item"));
    /// assert!(!policy.scope_covers("orders", "order:item"));
    /// assert!(policy.scope_covers("inventory.write", "inventory:price"));
    /// ```
    pub fn scope_covers(&self, granted: &str, required: &str) -> bool {
        self.covers(granted, &self.classify(required))
    }
}
