//! Reading a `WWW-Authenticate: Bearer ...` challenge into its attributes.

/// The attributes of a `Bearer` challenge, in order, as `(name, value)`;
/// panics when `challenge` is not one (every value is a quoted-string
/// without `"` or `\`, as SPEC §4 promises).
pub(crate) fn attributes(challenge: &str) -> Vec<(String, String)> {
    let mut rest = challenge
        .strip_prefix("Bearer ")
        .unwrap_or_else(|| panic!("a Bearer challenge: {challenge:?}"));
    let mut attributes = Vec::new();
    while !rest.is_empty() {
        let (name, after) = rest
            .split_once("=\"")
            .unwrap_or_else(|| panic!("name=\"value\" in {challenge:?}"));
        let (value, after) = after
            .split_once('"')
            .unwrap_or_else(|| panic!("a closing quote in {challenge:?}"));
        assert!(!value.contains('\\'), "no backslash in {challenge:?}");
        attributes.push((name.to_owned(), value.to_owned()));
        rest = match after.strip_prefix(", ") {
            Some(next) => next,
            None if after.is_empty() => after,
            None => panic!("attributes separated by \", \" in {challenge:?}"),
        };
    }
    attributes
}

/// The names of `attributes`, in order.
pub(crate) fn names(attributes: &[(String, String)]) -> Vec<&str> {
    attributes.iter().map(|(name, _)| name.as_str()).collect()
}

/// The value of the attribute `name`.
pub(crate) fn value<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(attribute, _)| attribute == name)
        .map(|(_, value)| value.as_str())
}
