//! The `htu` a proof must name: the request URI as the client addressed it
//! (SPEC §3.6, RFC 9449 §4.3 step 9), and the RFC 3986 normalisation both
//! sides are compared after.
//!
//! - The request URI is the configured public origin plus the request's
//!   original path (before any framework strips a prefix, as axum's `nest`
//!   does), without query or fragment.
//! - `Forwarded` (RFC 7239) and `X-Forwarded-Proto` / `X-Forwarded-Host`
//!   replace the origin's scheme and host only when the peer is a configured
//!   trusted proxy; from anyone else they are ignored.
//! - [`normalize_uri`] applies RFC 3986 §6.2.2 (case of scheme and host,
//!   upper-case percent-encoding hex, unreserved characters decoded, dot
//!   segments removed) and §6.2.3 (default port dropped, empty path `/`).
//!   A host's trailing dot and the path's case are significant.
//!
//! ```
//! use scopeguard_core::dpop::normalize_uri;
//!
//! assert_eq!(
//!     normalize_uri("HTTPS://API.Example.COM:443/a/%7euser/./b?q=1#f").as_deref(),
//!     Some("https://api.example.com/a/~user/b"),
//! );
//! assert_eq!(normalize_uri("http://example.com").as_deref(), Some("http://example.com/"));
//! assert_ne!(normalize_uri("http://example.com/A"), normalize_uri("http://example.com/a"));
//! assert_eq!(normalize_uri("not a uri"), None);
//! ```

use std::fmt::Write as _;

use crate::request::{RequestHead, TrustedProxies};

/// `uri` (an absolute `http` or `https` URI) without query and fragment,
/// normalised per RFC 3986 §6.2.2–§6.2.3; `None` when it is not one, or has
/// user information or bad percent-encoding.
pub fn normalize_uri(uri: &str) -> Option<String> {
    let uri = uri.split(['?', '#']).next().unwrap_or_default();
    let (scheme, rest) = uri.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => "80",
        "https" => "443",
        _ => return None,
    };
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    let (host, port) = split_port(authority)?;
    if host.is_empty() || host.contains('@') || !host.is_ascii() {
        return None;
    }
    let mut normalized = format!("{scheme}://{}", normalize_percent(host, true)?);
    if let Some(port) = port.filter(|port| !port.is_empty()) {
        if !port.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        let port = port.trim_start_matches('0');
        if port != default_port {
            normalized.push(':');
            normalized.push_str(if port.is_empty() { "0" } else { port });
        }
    }
    let path = normalize_percent(path, false)?;
    normalized.push_str(&remove_dot_segments(if path.is_empty() { "/" } else { &path }));
    Some(normalized)
}

/// `host[:port]`, with an IPv6 literal in brackets.
fn split_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (host, rest) = authority.split_at(end + 1);
        return match rest.strip_prefix(':') {
            Some(port) => Some((host, Some(port))),
            None if rest.is_empty() => Some((host, None)),
            None => None,
        };
    }
    Some(match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

/// Percent-encodings with upper-case hex, unreserved characters decoded
/// (RFC 3986 §6.2.2.1, §6.2.2.2); the host also lower-cased. Bytes outside
/// printable ASCII are percent-encoded.
fn normalize_percent(text: &str, lower: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte == b'%' {
            let hex = bytes.get(index + 1..index + 3)?;
            let value = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            if is_unreserved(value) {
                out.push(char::from(if lower { value.to_ascii_lowercase() } else { value }));
            } else {
                let _ = write!(out, "%{value:02X}");
            }
            index += 3;
            continue;
        }
        if byte.is_ascii_graphic() {
            out.push(char::from(if lower { byte.to_ascii_lowercase() } else { byte }));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
        index += 1;
    }
    Some(out)
}

const fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// RFC 3986 §5.2.4, on an absolute path.
fn remove_dot_segments(path: &str) -> String {
    let mut output: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    let mut trailing_slash = false;
    for (index, segment) in segments.iter().enumerate() {
        match *segment {
            "." => trailing_slash = index == last,
            ".." => {
                output.pop();
                trailing_slash = index == last;
            }
            segment => {
                output.push(segment);
                trailing_slash = false;
            }
        }
    }
    let mut result = String::with_capacity(path.len());
    for segment in &output {
        result.push('/');
        result.push_str(segment);
    }
    if trailing_slash || result.is_empty() {
        result.push('/');
    }
    result
}

/// The request's URI as `htu` must name it, normalised: the public origin
/// (or, from a trusted proxy, the forwarded scheme and host) plus the
/// request's original path. `None` when the adapter cannot tell the path,
/// or the result is not a URI.
pub(crate) fn request_uri(
    head: &(impl RequestHead + ?Sized),
    public_origin: &str,
    trusted_proxies: &TrustedProxies,
) -> Option<String> {
    let path = head.original_path()?;
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let trusted = trusted_proxies.trusts(head);
    let forwarded = if trusted { forwarded_origin(head) } else { None };
    match forwarded {
        Some(origin) => normalize_uri(&format!("{origin}{path}")),
        // The configured origin is normalised already: a path with nothing
        // to normalise is appended as it is.
        None if is_normal_path(path) => Some(format!("{public_origin}{path}")),
        None => normalize_uri(&format!("{public_origin}{path}")),
    }
}

/// Whether `path` is already in RFC 3986 normal form: it starts with `/`,
/// holds only unreserved and sub-delimiter characters, `:`, `@` and `/`
/// (no percent-encoding), and no `.` or `..` segment.
fn is_normal_path(path: &str) -> bool {
    path.starts_with('/')
        && path.bytes().all(|byte| {
            is_unreserved(byte)
                || matches!(
                    byte,
                    b'/' | b'!'
                        | b'$'
                        | b'&'
                        | b'\''
                        | b'('
                        | b')'
                        | b'*'
                        | b'+'
                        | b','
                        | b';'
                        | b'='
                        | b':'
                        | b'@'
                )
        })
        && !path.split('/').any(|segment| segment == "." || segment == "..")
}

/// `scheme://host` from the last `Forwarded` element (the one the trusted
/// proxy wrote), else from the last values of `X-Forwarded-Proto` and
/// `X-Forwarded-Host`. `None` when they name no host.
fn forwarded_origin(head: &(impl RequestHead + ?Sized)) -> Option<String> {
    let last_value = |name: &'static str| {
        let values: Vec<&[u8]> = head.header_values(name).collect();
        let joined = values.last().and_then(|value| std::str::from_utf8(value).ok())?;
        joined.rsplit(',').next().map(|value| value.trim().to_owned())
    };
    if let Some(element) = last_value("forwarded") {
        let mut proto = None;
        let mut host = None;
        for pair in element.split(';') {
            let Some((name, value)) = pair.trim().split_once('=') else {
                continue;
            };
            let value = value.trim_matches('"');
            match name.to_ascii_lowercase().as_str() {
                "proto" => proto = Some(value.to_owned()),
                "host" => host = Some(value.to_owned()),
                _ => {}
            }
        }
        if let Some(host) = host {
            return Some(format!("{}://{host}", proto.as_deref().unwrap_or("https")));
        }
    }
    let host = last_value("x-forwarded-host")?;
    let proto = last_value("x-forwarded-proto").unwrap_or_else(|| "https".to_owned());
    Some(format!("{proto}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equivalent_uris_normalise_alike() {
        for (left, right) in [
            ("HTTPS://API.EXAMPLE.COM/x", "https://api.example.com/x"),
            ("https://api.example.com:443/x", "https://api.example.com/x"),
            ("http://api.example.com:80/x", "http://api.example.com/x"),
            ("https://api.example.com/%7Euser", "https://api.example.com/~user"),
            ("https://api.example.com/a%2fb", "https://api.example.com/a%2Fb"),
            ("https://api.example.com", "https://api.example.com/"),
            (
                "https://api.example.com/a/./b/../c",
                "https://api.example.com/a/c",
            ),
            (
                "https://api.example.com/x?query#fragment",
                "https://api.example.com/x",
            ),
            ("http://[::1]:80/x", "http://[::1]/x"),
        ] {
            assert_eq!(normalize_uri(left), normalize_uri(right), "{left} {right}");
            assert!(normalize_uri(left).is_some(), "{left}");
        }
    }

    #[test]
    fn different_uris_stay_different() {
        for (left, right) in [
            ("https://api.example.com/x", "https://api.example.com/X"),
            ("https://api.example.com/x", "https://api.example.com./x"),
            ("https://api.example.com/x", "http://api.example.com/x"),
            ("https://api.example.com:8443/x", "https://api.example.com/x"),
            ("https://api.example.com/a%2Fb", "https://api.example.com/a/b"),
            ("https://api.example.com/x", "https://api.example.com/x/"),
        ] {
            assert_ne!(normalize_uri(left), normalize_uri(right), "{left} {right}");
        }
    }

    #[test]
    fn a_path_in_normal_form_is_taken_as_it_is() {
        for path in ["/", "/a/b", "/orders/7/items", "/a:b@c/~x_y-z.w", "/a;b=c"] {
            assert!(is_normal_path(path), "{path}");
            let uri = format!("https://api.example.com{path}");
            assert_eq!(normalize_uri(&uri).as_deref(), Some(uri.as_str()), "{path}");
        }
        for path in ["", "a", "/a/./b", "/a/../b", "/..", "/%7E", "/a b", "/é", "/a?b"] {
            assert!(!is_normal_path(path), "{path}");
        }
    }

    #[test]
    fn non_uris_and_user_information_are_refused() {
        for uri in [
            "",
            "/x",
            "ftp://h/x",
            "https://user@h/x",
            "https://h/%zz",
            "https://h:8x/",
            "https:///x",
        ] {
            assert_eq!(normalize_uri(uri), None, "{uri}");
        }
    }
}
