//! SPEC §2.3 rules 1–3 written out plainly, as the oracle of the property
//! tests (`laws.rs`) and of the `scope_decision` fuzz target: no shapes, no
//! candidates, no early exits.

/// SPEC §2.3 rules 1–3 for one pair, written out plainly: equal, or
/// neither opaque, no empty segment, the granted segments a prefix of the
/// required ones and the granted level at least the required one.
pub(crate) fn spec_covers(separator: &str, suffix: &str, granted: &str, required: &str) -> bool {
    fn opaque(scope: &str) -> bool {
        scope.contains("://")
            || scope
                .get(..4)
                .is_some_and(|start| start.eq_ignore_ascii_case("urn:"))
    }
    fn segments<'a>(scope: &'a str, separator: &str, suffix: &str) -> (Vec<&'a str>, bool) {
        let (path, write) = scope
            .strip_suffix(suffix)
            .map_or((scope, false), |path| (path, true));
        (path.split(separator).collect(), write)
    }
    if granted == required {
        return true;
    }
    if opaque(granted) || opaque(required) {
        return false;
    }
    let (granted_segments, granted_writes) = segments(granted, separator, suffix);
    let (required_segments, required_writes) = segments(required, separator, suffix);
    let no_empty = |segments: &[&str]| segments.iter().all(|segment| !segment.is_empty());
    no_empty(&granted_segments)
        && no_empty(&required_segments)
        && required_segments.starts_with(&granted_segments)
        && (granted_writes || !required_writes)
}
