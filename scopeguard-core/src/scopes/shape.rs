//! Where a scope sits in the default hierarchy, worked out once per scope.
//!
//! Every [`Scope`](crate::Scope) records its shape under the default
//! grammar (`:` between segments, `.write` for write access) when it is made,
//! so a policy with that grammar compares a required scope with granted ones
//! without reading the required scope again on every check. A policy with
//! another separator or suffix works the shape out when it checks.

use super::grammar::eq;

/// The default hierarchy separator.
pub const DEFAULT_SEPARATOR: &str = ":";
/// The default suffix that marks write access.
pub const DEFAULT_WRITE_SUFFIX: &str = ".write";

/// The hierarchy fields of a scope under the default grammar, as byte
/// lengths of the scope's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DefaultShape {
    /// Length of the path: the scope without its write suffix.
    pub(crate) path_len: usize,
    /// Length of the first segment of the path.
    pub(crate) first_segment_len: usize,
    /// Whether the scope ends with the write suffix.
    pub(crate) write: bool,
    /// The lengths of the scopes that can cover this one: its
    /// own, and each segment-wise prefix of its path with the write suffix
    /// and, when this scope only reads, without.
    pub(crate) cover_lengths: LengthSet,
}

/// A set of scope lengths, to pick candidates: bit `n` for length `n`
/// below 63, and bit 63 for every length from 63 up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LengthSet(u64);

impl LengthSet {
    /// Every length.
    pub(crate) const ALL: Self = Self(u64::MAX);

    const fn empty() -> Self {
        Self(0)
    }

    const fn bit(length: usize) -> usize {
        if length < 63 { length } else { 63 }
    }

    const fn with(self, length: usize) -> Self {
        Self(self.0 | 1 << Self::bit(length))
    }

    /// Whether `length` may be in the set: always when it is, and for a
    /// length from 63 up, whenever the set holds any such length.
    #[inline]
    pub(crate) const fn contains(self, length: usize) -> bool {
        self.0 >> Self::bit(length) & 1 == 1
    }
}

/// Whether `bytes` starts with `urn:` in any case, or holds `://`.
pub(crate) const fn is_opaque(bytes: &[u8]) -> bool {
    if bytes.len() >= 4
        && bytes[0].eq_ignore_ascii_case(&b'u')
        && bytes[1].eq_ignore_ascii_case(&b'r')
        && bytes[2].eq_ignore_ascii_case(&b'n')
        && bytes[3] == b':'
    {
        return true;
    }
    let mut index = 0;
    while index + 2 < bytes.len() {
        if bytes[index] == b':' && bytes[index + 1] == b'/' && bytes[index + 2] == b'/' {
            return true;
        }
        index += 1;
    }
    false
}

/// The shape of `text` under the default grammar, or `None` when it only
/// ever matches exactly there: an opaque scope, or a path with an empty
/// segment.
pub(crate) const fn default_shape(text: &str) -> Option<DefaultShape> {
    let bytes = text.as_bytes();
    if is_opaque(bytes) {
        return None;
    }
    let suffix = DEFAULT_WRITE_SUFFIX.as_bytes();
    let write = bytes.len() >= suffix.len() && eq(bytes, bytes.len() - suffix.len(), bytes.len(), suffix);
    let path_len = if write {
        bytes.len() - suffix.len()
    } else {
        bytes.len()
    };
    let separator = DEFAULT_SEPARATOR.as_bytes()[0];
    let mut first_segment_len = path_len;
    let mut cover_lengths = LengthSet::empty();
    let mut after_separator = true;
    let mut index = 0;
    // Each segment end, the path's end included, is the end of a path that
    // covers this one.
    while index <= path_len {
        if index == path_len || bytes[index] == separator {
            if after_separator {
                return None;
            }
            if first_segment_len == path_len {
                first_segment_len = index;
            }
            cover_lengths = cover_lengths.with(index + suffix.len());
            if !write {
                cover_lengths = cover_lengths.with(index);
            }
            after_separator = true;
        } else {
            after_separator = false;
        }
        index += 1;
    }
    Some(DefaultShape {
        path_len,
        first_segment_len,
        write,
        cover_lengths,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> Option<(&str, &str, bool)> {
        default_shape(text).map(|shape| {
            (
                &text[..shape.path_len],
                &text[..shape.first_segment_len],
                shape.write,
            )
        })
    }

    #[test]
    fn splits_path_first_segment_and_level() {
        assert_eq!(shape("order"), Some(("order", "order", false)));
        assert_eq!(
            shape("order:item:status"),
            Some(("order:item:status", "order", false))
        );
        assert_eq!(
            shape("inventory:price.write"),
            Some(("inventory:price", "inventory", true))
        );
        assert_eq!(shape("inventory.write"), Some(("inventory", "inventory", true)));
        assert_eq!(
            shape("transaction-42"),
            Some(("transaction-42", "transaction-42", false))
        );
    }

    #[test]
    fn cover_lengths_are_those_of_the_segment_prefixes() {
        let lengths = |text: &str| {
            let set = default_shape(text).expect("a shape").cover_lengths;
            (0..70).filter(|&length| set.contains(length)).collect::<Vec<_>>()
        };
        // order, order.write, order:item, order:item.write, order:item:status, +.write
        assert_eq!(lengths("order:item:status")[..6], [5, 10, 11, 16, 17, 23]);
        // Only write scopes cover a write scope.
        assert_eq!(lengths("inventory:price.write")[..2], [15, 21]);
        assert_eq!(lengths("a"), [1, 7]);
        // Lengths from 63 up share one bit: a long covering scope is a
        // candidate, and so is any other scope that long.
        let long = format!("{}:b", "a".repeat(62));
        assert_eq!(lengths(&long)[..2], [62, 63]);
        assert!(
            default_shape(&long)
                .expect("a shape")
                .cover_lengths
                .contains(1000)
        );
    }

    #[test]
    fn opaque_scopes_and_empty_segments_have_no_shape() {
        for text in [
            "urn:example:read",
            "URN:x",
            "https://api.example.com/x",
            "api://backend/access",
            "order::item",
            ":order",
            "order:",
            ".write",
            "order:.write",
        ] {
            assert_eq!(shape(text), None, "{text}");
        }
    }

    #[test]
    fn a_colon_slash_slash_at_the_end_is_found() {
        assert!(is_opaque(b"a://"));
        assert!(!is_opaque(b"a:/"));
        assert!(!is_opaque(b"urn"));
        assert!(is_opaque(b"uRn:"));
    }
}
