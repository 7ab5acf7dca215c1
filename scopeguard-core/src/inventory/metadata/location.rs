//! Where the metadata of a resource lives (RFC 9728 §3.1), and the checks on
//! the URLs the document holds.

/// The well-known path of protected-resource metadata (RFC 9728 §3).
pub const WELL_KNOWN_PATH: &str = "/.well-known/oauth-protected-resource";

/// An absolute `http` or `https` URL, split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct HttpUrl<'a> {
    /// `scheme://authority`.
    pub(super) origin: &'a str,
    /// The path, possibly empty.
    pub(super) path: &'a str,
    /// The query, `?` included, possibly empty.
    pub(super) query: &'a str,
    /// The fragment, `#` included, possibly empty.
    pub(super) fragment: &'a str,
}

/// Splits an absolute `http(s)` URL whose characters are all allowed in a
/// URI (RFC 3986 §2) and whose authority has a host and no user
/// information; `None` otherwise.
pub(super) fn parse_http_url(url: &str) -> Option<HttpUrl<'_>> {
    let after_scheme = strip_scheme(url, "https://").or_else(|| strip_scheme(url, "http://"))?;
    if !url.bytes().all(is_uri_byte) {
        return None;
    }
    let authority_len = after_scheme.find(['/', '?', '#']).unwrap_or(after_scheme.len());
    let authority = &after_scheme[..authority_len];
    if !is_authority(authority) {
        return None;
    }
    let origin_len = url.len() - after_scheme.len() + authority_len;
    let (origin, rest) = url.split_at(origin_len);
    let (rest, fragment) = rest.find('#').map_or((rest, ""), |at| rest.split_at(at));
    let (path, query) = rest.find('?').map_or((rest, ""), |at| rest.split_at(at));
    Some(HttpUrl {
        origin,
        path,
        query,
        fragment,
    })
}

/// `host [ ":" port ]` with a non-empty host and no user information.
fn is_authority(authority: &str) -> bool {
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(close) => authority.split_at(close + 1),
            None => return false,
        }
    } else {
        authority
            .find(':')
            .map_or((authority, ""), |at| authority.split_at(at))
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|digits| digits.bytes().all(|byte| byte.is_ascii_digit()));
    let host_ok = match host.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')) {
        Some(literal) => !literal.is_empty(),
        None => !host.is_empty() && !host.contains(['[', ']']),
    };
    host_ok && port_ok && !authority.contains('@')
}

fn strip_scheme<'a>(url: &'a str, scheme: &str) -> Option<&'a str> {
    let (head, rest) = url.split_at_checked(scheme.len())?;
    head.eq_ignore_ascii_case(scheme).then_some(rest)
}

/// The characters RFC 3986 allows in a URI: unreserved, reserved and `%`.
fn is_uri_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&byte)
}

/// Whether `url` can identify an authorization server (RFC 8414 §2): an
/// absolute `http(s)` URL with no query and no fragment.
pub(super) fn is_issuer_identifier(url: &str) -> bool {
    parse_http_url(url).is_some_and(|url| url.query.is_empty() && url.fragment.is_empty())
}

/// Whether `url` is an absolute `http(s)` URL.
pub(super) fn is_web_url(url: &str) -> bool {
    parse_http_url(url).is_some()
}

/// The path of `resource`, made ready to follow the well-known path: empty
/// for `/`, one terminating `/` removed otherwise.
fn path_suffix(path: &str) -> &str {
    path.strip_suffix('/').unwrap_or(path)
}

/// The URL of the metadata of `resource` (RFC 9728 §3.1): the well-known
/// path goes between the host and the resource's path and query.
///
/// `None` when `resource` is not an absolute `http(s)` URL without a
/// fragment. Give the result to
/// [`ChallengeConfigBuilder::resource_metadata`](crate::error::challenge::ChallengeConfigBuilder::resource_metadata)
/// so every challenge points at the document.
///
/// ```
/// use scopeguard_core::inventory::metadata::metadata_url;
///
/// assert_eq!(
///     metadata_url("http://127.0.0.1:8080").as_deref(),
///     Some("http://127.0.0.1:8080/.well-known/oauth-protected-resource"),
/// );
/// assert_eq!(
///     metadata_url("https://api.example.com/inventory/").as_deref(),
///     Some("https://api.example.com/.well-known/oauth-protected-resource/inventory"),
/// );
/// assert_eq!(metadata_url("api.example.com"), None);
/// ```
pub fn metadata_url(resource: &str) -> Option<String> {
    let url = parse_http_url(resource).filter(|url| url.fragment.is_empty())?;
    Some(format!(
        "{}{WELL_KNOWN_PATH}{}{}",
        url.origin,
        path_suffix(url.path),
        url.query
    ))
}

/// The path at which a server answers for the metadata of `resource`: the
/// path of [`metadata_url`], without its query.
///
/// ```
/// use scopeguard_core::inventory::metadata::metadata_path;
///
/// assert_eq!(metadata_path("http://127.0.0.1:8080").as_deref(), Some("/.well-known/oauth-protected-resource"));
/// assert_eq!(
///     metadata_path("https://api.example.com/v1?tenant=a").as_deref(),
///     Some("/.well-known/oauth-protected-resource/v1"),
/// );
/// ```
pub fn metadata_path(resource: &str) -> Option<String> {
    let url = parse_http_url(resource).filter(|url| url.fragment.is_empty())?;
    Some(format!("{WELL_KNOWN_PATH}{}", path_suffix(url.path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_well_known_path_goes_between_host_and_path() {
        // RFC 9728 §3.1's own example.
        assert_eq!(
            metadata_url("https://resource.example.com/resource1").as_deref(),
            Some("https://resource.example.com/.well-known/oauth-protected-resource/resource1")
        );
        assert_eq!(
            metadata_url("https://resource.example.com").as_deref(),
            Some("https://resource.example.com/.well-known/oauth-protected-resource")
        );
    }

    #[test]
    fn a_terminating_slash_after_the_host_is_removed() {
        assert_eq!(
            metadata_url("https://resource.example.com/").as_deref(),
            Some("https://resource.example.com/.well-known/oauth-protected-resource")
        );
        assert_eq!(
            metadata_url("https://resource.example.com/?tenant=a").as_deref(),
            Some("https://resource.example.com/.well-known/oauth-protected-resource?tenant=a")
        );
    }

    #[test]
    fn the_query_follows_the_path() {
        assert_eq!(
            metadata_url("https://r.example.com:8443/a/b?x=1").as_deref(),
            Some("https://r.example.com:8443/.well-known/oauth-protected-resource/a/b?x=1")
        );
        assert_eq!(
            metadata_path("https://r.example.com:8443/a/b?x=1").as_deref(),
            Some("/.well-known/oauth-protected-resource/a/b")
        );
    }

    #[test]
    fn a_resource_identifier_is_an_absolute_http_url_without_fragment() {
        for bad in [
            "",
            "/relative",
            "api.example.com",
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://:8080",
            "https://user@example.com",
            "https://example.com/#top",
            "https://example.com/a b",
            "https://example.com/{id}",
            "https://example.com/\"",
            "https://exämple.com",
        ] {
            assert_eq!(metadata_url(bad), None, "{bad:?}");
            assert_eq!(metadata_path(bad), None, "{bad:?}");
        }
        for good in [
            "http://127.0.0.1:8080",
            "HTTPS://API.example.com/v1",
            "https://[::1]:8443/api",
            "https://[::1]",
            "https://example.com/v1?tenant=a",
        ] {
            assert!(metadata_url(good).is_some(), "{good:?}");
        }
    }

    #[test]
    fn an_issuer_has_no_query_and_no_fragment() {
        assert!(is_issuer_identifier("https://auth.example.com/realms/acme"));
        assert!(!is_issuer_identifier("https://auth.example.com/?tenant=a"));
        assert!(!is_issuer_identifier("https://auth.example.com/#x"));
        assert!(is_web_url("https://docs.example.com/api#auth"));
    }
}
