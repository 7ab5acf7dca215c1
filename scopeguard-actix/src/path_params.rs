//! Template parameters from actix's `match_info`, percent-decoded exactly as
//! `web::Path` decodes them (SPEC §2.4).
//!
//! actix's router decodes a request path once but leaves `%2B`, `%2F` and
//! `%25` encoded, so that an encoded `/` cannot split a segment and a `%25`
//! cannot start a second decoding; `match_info` keeps them encoded, and
//! `web::Path` decodes them when it hands a parameter to the handler. A
//! template scope must name the resource the handler serves, so each value
//! is decoded here the way `web::Path` does it (actix-router's `Quoter` with
//! nothing protected): `POST /transactions/a%2Bb/approve` fills
//! `transaction-{tx}` as `transaction-a+b`, never `transaction-a%2Bb`, and a
//! token granting only the encoded spelling is denied.
//!
//! Why fail closed on undecodable values: like `web::Path`, bytes that are not
//! UTF-8 once decoded become U+FFFD, which is not a scope character, so a
//! template filled with one is denied (403 without a `scope` attribute),
//! never granted. (actix's router already replaces them when it reads the
//! path, so the request reaches the scope check with U+FFFD in place.)
//!
//! Why lazy: only a template asks for a parameter, and only a value holding a
//! `%` is decoded, once per request. A request whose parameters hold nothing
//! encoded allocates nothing here.

use std::borrow::Cow;
use std::cell::OnceCell;

use actix_router::Quoter;
use actix_web::dev::{Path, Url};
use scopeguard_core::PathParams;

/// A request's matched path parameters, percent-decoded, for template scopes.
pub(crate) struct MatchInfo<'a> {
    path: &'a Path<Url>,
    /// The decoded value of every parameter that holds a `%`, made the first
    /// time one of them is asked for.
    decoded: OnceCell<Vec<(&'a str, Cow<'a, str>)>>,
}

impl<'a> MatchInfo<'a> {
    /// The parameters of `path` (a request's `match_info()`).
    pub(crate) fn new(path: &'a Path<Url>) -> Self {
        Self {
            path,
            decoded: OnceCell::new(),
        }
    }
}

impl PathParams for MatchInfo<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        let value = self.path.get(name)?;
        if !value.contains('%') {
            return Some(value);
        }
        // `Path::get` answers the first parameter of that name, and so does
        // this search: both keep the router's order.
        self.decoded
            .get_or_init(|| decode_encoded(self.path))
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| &**value)
    }
}

/// Every parameter of `path` that holds a `%`, decoded.
fn decode_encoded(path: &Path<Url>) -> Vec<(&str, Cow<'_, str>)> {
    let quoter = Quoter::new(b"", b"");
    path.iter()
        .filter(|(_, value)| value.contains('%'))
        .map(|(name, value)| (name, decode(&quoter, value)))
        .collect()
}

/// `value` fully percent-decoded, bytes that are not UTF-8 replaced with
/// U+FFFD, as `web::Path` gives it; incomplete escapes (`%zz`) stay as they are.
fn decode<'v>(quoter: &Quoter, value: &'v str) -> Cow<'v, str> {
    match quoter.requote(value.as_bytes()) {
        None => Cow::Borrowed(value),
        Some(bytes) => Cow::Owned(
            String::from_utf8(bytes)
                .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::dev::ResourceDef;
    use actix_web::http::Uri;
    use scopeguard_core::{PathParams, ScopeTemplate};

    use super::*;

    /// The match info of `uri` against `pattern`, as actix's router fills it.
    fn matched(pattern: &str, uri: &str) -> Path<Url> {
        let mut path = Path::new(Url::new(uri.parse::<Uri>().expect("a valid URI")));
        assert!(
            ResourceDef::new(pattern).capture_match_info(&mut path),
            "{uri} matches {pattern}"
        );
        path
    }

    #[test]
    fn values_are_decoded_as_web_path_decodes_them() {
        for (segment, expected) in [
            ("42", "42"),
            ("a%2Bb", "a+b"),
            ("a%2bb", "a+b"),
            ("a%2Fb", "a/b"),
            ("a%25b", "a%b"),
            ("a%2520b", "a%20b"),
            ("a%20b", "a b"),
            ("a%22b", "a\"b"),
            ("a%2F%20b", "a/ b"),
            ("a+b", "a+b"),
            ("a%zzb", "a%zzb"),
            ("%FF", "\u{fffd}"),
            ("%C3%28", "\u{fffd}("),
        ] {
            let path = matched(
                "/transactions/{tx}/approve",
                &format!("/transactions/{segment}/approve"),
            );
            let served: String = path.load().expect("web::Path<String> extracts the value");
            let checked = MatchInfo::new(&path).get("tx").map(str::to_owned);
            assert_eq!(checked.as_deref(), Some(expected), "{segment}");
            assert_eq!(checked, Some(served), "{segment}: checked as web::Path serves it");
        }
    }

    #[test]
    fn a_template_is_filled_with_the_decoded_value() {
        let template = ScopeTemplate::new("transaction-{tx}").expect("a valid template");
        for (segment, scope) in [
            ("a%2Bb", "transaction-a+b"),
            ("a%2Fb", "transaction-a/b"),
            ("a%25b", "transaction-a%b"),
        ] {
            let path = matched(
                "/transactions/{tx}/approve",
                &format!("/transactions/{segment}/approve"),
            );
            let filled = template.fill(&MatchInfo::new(&path)).expect("a valid scope");
            assert_eq!(filled.as_str(), scope, "{segment}");
        }
        for segment in ["a%20b", "a%22b", "a%5Cb", "%FF"] {
            let path = matched(
                "/transactions/{tx}/approve",
                &format!("/transactions/{segment}/approve"),
            );
            assert!(
                template.fill(&MatchInfo::new(&path)).is_err(),
                "{segment} breaks the scope grammar once decoded"
            );
        }
    }

    #[test]
    fn each_parameter_is_decoded_on_its_own() {
        let path = matched("/orders/{id}/items/{item}", "/orders/7%2B1/items/a%2Fb");
        let info = MatchInfo::new(&path);
        assert_eq!(info.get("item"), Some("a/b"));
        assert_eq!(info.get("id"), Some("7+1"));
        assert_eq!(info.get("missing"), None);
    }

    #[test]
    fn values_with_nothing_encoded_are_borrowed_from_the_match_info() {
        let path = matched("/orders/{id}/items/{item}", "/orders/7/items/a%20b");
        let info = MatchInfo::new(&path);
        let id = info.get("id").expect("the id");
        let item = info.get("item").expect("the item");
        assert!(std::ptr::eq(id, path.get("id").expect("the id")));
        assert!(std::ptr::eq(item, path.get("item").expect("the item")));
        assert_eq!(item, "a b", "the router decoded the space already");
        assert!(info.decoded.get().is_none(), "nothing was decoded");
    }
}
