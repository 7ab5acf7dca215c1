//! Coverage of one required scope by one granted scope (SPEC §2.3).

use super::{Matching, ScopePolicy};
use crate::GrantedScopes;

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
    let bytes = scope.as_bytes();
    if bytes.len() >= 4 && bytes[..4].eq_ignore_ascii_case(b"urn:") {
        return true;
    }
    // A byte scan, not a substring search: scopes are short, and setting up
    // a searcher costs more than the scan.
    bytes
        .iter()
        .enumerate()
        .any(|(index, &byte)| byte == b':' && bytes[index + 1..].starts_with(b"//"))
}

impl ScopePolicy {
    /// Splits a scope into its path and level under this policy's suffix.
    #[inline]
    fn path_and_level<'a>(&self, scope: &'a str) -> (&'a str, Level) {
        match scope.strip_suffix(&*self.write_suffix) {
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
        if granted_level < hierarchy.level {
            return false;
        }
        let Some(rest) = hierarchy.path.strip_prefix(granted_path) else {
            return false;
        };
        if !rest.is_empty() && !self.splits_at(hierarchy.path, granted_path.len()) {
            return false;
        }
        // Rare: the granted path is a segment-wise prefix of a path without
        // empty segments, so it has none either; an opaque scope still
        // matches itself only.
        !is_opaque(granted)
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
            Some(hierarchy) => granted
                .starting_with(hierarchy.first_segment)
                .any(|scope| self.covers(scope, required)),
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
