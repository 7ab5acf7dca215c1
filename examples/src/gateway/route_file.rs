//! The route table's file: TOML, read once at startup. Every problem is
//! reported at once, each with the line it is on.
//!
//! ```toml
//! [upstreams.inventory]
//! url = "http://127.0.0.1:3000"
//! token = "jwt"            # "jwt", "phantom" or "none"
//!
//! [[route]]                # first match wins
//! path = "/health"
//! upstream = "inventory"
//! public = true
//!
//! [[route]]
//! path = "/orders/{id}"
//! methods = ["GET"]        # any method when absent
//! upstream = "inventory"
//! requires = "order"       # SPEC §2.4: `all(a, b)`, `any(a, b)`, `transaction-{tx}`
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use axum::http::uri::{Authority, Scheme};
use axum::http::{Method, Uri};
use scopeguard_core::{Requirement, ScopeTemplate};
use serde::Deserialize;
use toml::Spanned;

use super::path_pattern::PathPattern;
use super::route_table::{Access, Route, RouteTable, TokenMode, Upstream};

/// One problem of a route file, at a line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// The line the problem is on.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Every problem of a route file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.iter().map(|p| format!("line {}: {}", p.line, p.message)).collect::<Vec<_>>().join("; "))]
pub struct RouteFileError {
    /// The problems, in the order of the file.
    pub problems: Vec<LineProblem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteFile {
    #[serde(default)]
    upstreams: BTreeMap<String, Spanned<UpstreamEntry>>,
    #[serde(default)]
    route: Vec<Spanned<RouteEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UpstreamEntry {
    url: Spanned<String>,
    token: Spanned<TokenMode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteEntry {
    path: Spanned<String>,
    methods: Option<Vec<Spanned<String>>>,
    upstream: Spanned<String>,
    requires: Option<Spanned<String>>,
    public: Option<Spanned<bool>>,
}

/// Turns byte offsets into line numbers.
struct Lines<'a>(&'a str);

impl Lines<'_> {
    fn at(&self, span: &Range<usize>) -> usize {
        let before = self.0.get(..span.start).unwrap_or(self.0);
        before.lines().count().max(1) + usize::from(before.ends_with('\n'))
    }
}

/// Collects problems while the file is read.
struct Problems<'a> {
    lines: Lines<'a>,
    found: Vec<LineProblem>,
}

impl Problems<'_> {
    fn add(&mut self, span: &Range<usize>, message: impl fmt::Display) {
        self.found.push(LineProblem {
            line: self.lines.at(span),
            message: message.to_string(),
        });
    }
}

impl RouteTable {
    /// Reads a route file.
    pub fn parse(text: &str) -> Result<Self, RouteFileError> {
        let lines = Lines(text);
        let file: RouteFile = toml::from_str(text).map_err(|error| RouteFileError {
            problems: vec![LineProblem {
                line: error.span().map_or(1, |span| lines.at(&span)),
                message: error.message().to_owned(),
            }],
        })?;
        let mut problems = Problems {
            lines,
            found: Vec::new(),
        };
        let mut names = Vec::new();
        let mut upstreams = Vec::new();
        let mut entries: Vec<_> = file.upstreams.into_iter().collect();
        entries.sort_by_key(|(_, entry)| entry.span().start);
        for (name, entry) in entries {
            let span = entry.span();
            let entry = entry.into_inner();
            if let Some(authority) = upstream_authority(&entry.url, &mut problems) {
                upstreams.push(Upstream {
                    name: name.clone(),
                    authority,
                    token: *entry.token.get_ref(),
                    line: problems.lines.at(&span),
                });
            }
            names.push(name);
        }
        let mut routes = Vec::new();
        for entry in file.route {
            let line = problems.lines.at(&entry.span());
            if let Some(route) = route(entry.get_ref(), line, &names, &upstreams, &mut problems) {
                routes.push(route);
            }
        }
        if problems.found.is_empty() {
            Ok(Self::new(upstreams, routes))
        } else {
            problems.found.sort_by_key(|problem| problem.line);
            Err(RouteFileError {
                problems: problems.found,
            })
        }
    }
}

/// The authority of an upstream URL: `http://host:port`, with no path,
/// query or user information.
fn upstream_authority(url: &Spanned<String>, problems: &mut Problems<'_>) -> Option<Authority> {
    let parsed = url.get_ref().parse::<Uri>().ok();
    let authority = parsed.as_ref().and_then(|uri| {
        let plain = uri.scheme() == Some(&Scheme::HTTP)
            && matches!(uri.path(), "" | "/")
            && uri.query().is_none()
            && uri
                .authority()
                .is_some_and(|authority| !authority.as_str().contains('@'));
        plain.then(|| uri.authority().cloned()).flatten()
    });
    if authority.is_none() {
        problems.add(
            &url.span(),
            format_args!(
                "`{}` is not an upstream URL: write http://host:port",
                url.get_ref()
            ),
        );
    }
    authority
}

fn route(
    entry: &RouteEntry,
    line: usize,
    names: &[String],
    upstreams: &[Upstream],
    problems: &mut Problems<'_>,
) -> Option<Route> {
    let pattern = PathPattern::parse(entry.path.get_ref())
        .map_err(|error| {
            problems.add(
                &entry.path.span(),
                format_args!("path `{}`: {error}", entry.path.get_ref()),
            );
        })
        .ok();
    let mut methods = Vec::new();
    for method in entry.methods.iter().flatten() {
        let text = method.get_ref();
        match Method::from_bytes(text.as_bytes()) {
            Ok(parsed) if !text.is_empty() && !text.bytes().any(|byte| byte.is_ascii_lowercase()) => {
                methods.push(parsed);
            }
            _ => problems.add(
                &method.span(),
                format_args!("`{text}` is not a method (methods are upper case: GET, POST...)"),
            ),
        }
    }
    if entry.methods.as_ref().is_some_and(Vec::is_empty) {
        problems.add(
            &entry.path.span(),
            "`methods` is empty: leave it out for any method",
        );
    }
    let upstream = upstreams
        .iter()
        .position(|upstream| upstream.name == *entry.upstream.get_ref());
    if upstream.is_none() && !names.contains(entry.upstream.get_ref()) {
        problems.add(
            &entry.upstream.span(),
            format_args!("no upstream is named `{}`", entry.upstream.get_ref()),
        );
    }
    let access = match (
        &entry.requires,
        entry.public.as_ref().map(|public| *public.get_ref()),
    ) {
        (Some(requires), None | Some(false)) => match Requirement::parse(requires.get_ref()) {
            Ok(requirement) => {
                let missing = requirement
                    .templates()
                    .flat_map(ScopeTemplate::parameters)
                    .find(|name| {
                        pattern
                            .as_ref()
                            .is_some_and(|p| !p.parameters().any(|own| own == *name))
                    });
                if let Some(name) = missing {
                    problems.add(
                        &requires.span(),
                        format_args!("the requirement reads `{{{name}}}`, which the path does not have"),
                    );
                }
                Some(Access::Requires(requirement))
            }
            Err(error) => {
                problems.add(
                    &requires.span(),
                    format_args!("requirement `{}`: {error}", requires.get_ref()),
                );
                None
            }
        },
        (None, Some(true)) => Some(Access::Public),
        (Some(requires), Some(true)) => {
            problems.add(
                &requires.span(),
                "a route is either `public = true` or `requires = \"...\"`, not both",
            );
            None
        }
        (None, None | Some(false)) => {
            problems.add(
                &entry.path.span(),
                "a route needs `requires = \"...\"` (SPEC §2.4) or `public = true`",
            );
            None
        }
    };
    Some(Route {
        pattern: pattern?,
        methods: entry.methods.is_some().then_some(methods),
        access: access?,
        upstream: upstream?,
        line,
    })
}
