//! How documents are fetched over HTTP: the timeouts, the largest body
//! accepted and the client. One setting type for key sets and introspection
//! alike, each use with its own defaults.

use std::time::Duration;

use reqwest::{Client, redirect};

use super::fetch::Http;

/// How remote documents are fetched: key sets and discovery documents by a
/// [`JwksSource`](super::JwksSource), answers by an
/// `IntrospectionValidator`.
///
/// Every fetch has a total deadline, reads at most a bounded body however
/// the answer declares its length, and never follows a redirect to another
/// origin. The defaults depend on the use:
///
/// | setting | [`for_key_sets`](Self::for_key_sets) | [`for_introspection`](Self::for_introspection) |
/// | --- | --- | --- |
/// | [`connect_timeout`](Self::connect_timeout) | 5 s | 2 s |
/// | [`timeout`](Self::timeout) | 10 s | 5 s |
/// | [`max_body_size`](Self::max_body_size) | 1 MiB | 64 KiB |
/// | [`client`](Self::client) | rustls, no redirects | rustls, no redirects |
///
/// ```
/// use std::time::Duration;
///
/// use scopeguard_core::validation::keys::{HttpFetchSettings, JwksSource};
///
/// let builder = JwksSource::builder("https://idp.example/jwks")
///     .http(HttpFetchSettings::for_key_sets().timeout(Duration::from_secs(3)));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct HttpFetchSettings {
    connect_timeout: Duration,
    timeout: Duration,
    max_body_size: usize,
    client: Option<Client>,
}

/// What can be wrong with [`HttpFetchSettings`]; each builder reports it as
/// one of its own problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HttpFetchProblem {
    /// `connect_timeout` or `timeout` is zero.
    ZeroDuration { setting: &'static str },
    /// `max_body_size` is zero.
    ZeroBodySize,
    /// The default client could not be built.
    HttpClient(String),
}

/// Implements `From<HttpFetchProblem>` for a builder's problem type, whose
/// variants `ZeroDuration { setting }`, `ZeroBodySize` and
/// `HttpClient(String)` report the problems of its [`HttpFetchSettings`].
macro_rules! from_http_fetch_problem {
    ($problem:ty) => {
        impl From<$crate::validation::keys::remote::http_settings::HttpFetchProblem> for $problem {
            fn from(problem: $crate::validation::keys::remote::http_settings::HttpFetchProblem) -> Self {
                use $crate::validation::keys::remote::http_settings::HttpFetchProblem;
                match problem {
                    HttpFetchProblem::ZeroDuration { setting } => Self::ZeroDuration { setting },
                    HttpFetchProblem::ZeroBodySize => Self::ZeroBodySize,
                    HttpFetchProblem::HttpClient(error) => Self::HttpClient(error),
                }
            }
        }
    };
}
pub(crate) use from_http_fetch_problem;

/// The HTTP setters of a builder with an `http: HttpFetchSettings` field,
/// written once: `http` replaces the settings (whose defaults come from the
/// constructor `$defaults`), and `connect_timeout`, `timeout`,
/// `max_body_size` and `client` set one of them, as documented on
/// [`HttpFetchSettings`].
macro_rules! http_fetch_setters {
    ($defaults:ident) => {
        #[doc = concat!("How documents are fetched (default [`HttpFetchSettings::", stringify!($defaults), "`]).")]
        pub fn http(self, http: $crate::validation::keys::HttpFetchSettings) -> Self {
            Self { http, ..self }
        }

        /// Sets [`HttpFetchSettings::connect_timeout`](crate::validation::keys::HttpFetchSettings::connect_timeout).
        pub fn connect_timeout(self, timeout: ::std::time::Duration) -> Self {
            Self {
                http: self.http.connect_timeout(timeout),
                ..self
            }
        }

        /// Sets [`HttpFetchSettings::timeout`](crate::validation::keys::HttpFetchSettings::timeout).
        pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
            Self {
                http: self.http.timeout(timeout),
                ..self
            }
        }

        /// Sets [`HttpFetchSettings::max_body_size`](crate::validation::keys::HttpFetchSettings::max_body_size).
        pub fn max_body_size(self, bytes: usize) -> Self {
            Self {
                http: self.http.max_body_size(bytes),
                ..self
            }
        }

        /// Sets [`HttpFetchSettings::client`](crate::validation::keys::HttpFetchSettings::client).
        pub fn client(self, client: ::reqwest::Client) -> Self {
            Self {
                http: self.http.client(client),
                ..self
            }
        }
    };
}
pub(crate) use http_fetch_setters;

impl HttpFetchSettings {
    /// The defaults of a key source: a connect timeout of 5 s, 10 s for a
    /// whole fetch (discovery fetches up to three documents per attempt,
    /// each with this deadline), documents of at most 1 MiB.
    pub fn for_key_sets() -> Self {
        Self::with_defaults(Duration::from_secs(5), Duration::from_secs(10), 1024 * 1024)
    }

    /// The defaults of an introspection validator: a connect timeout of
    /// 2 s, 5 s for a whole call, answers of at most 64 KiB.
    pub fn for_introspection() -> Self {
        Self::with_defaults(Duration::from_secs(2), Duration::from_secs(5), 64 * 1024)
    }

    fn with_defaults(connect_timeout: Duration, timeout: Duration, max_body_size: usize) -> Self {
        Self {
            connect_timeout,
            timeout,
            max_body_size,
            client: None,
        }
    }

    /// The connect timeout of the default HTTP client; must be positive.
    /// An injected [`client`](Self::client) keeps its own.
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        Self {
            connect_timeout: timeout,
            ..self
        }
    }

    /// The deadline of one fetch: connecting, the answer and its body; must
    /// be positive. It applies to an injected [`client`](Self::client) too.
    pub fn timeout(self, timeout: Duration) -> Self {
        Self { timeout, ..self }
    }

    /// The largest body accepted, in bytes, however the answer declares its
    /// length; must be positive. It applies to an injected
    /// [`client`](Self::client) too.
    pub fn max_body_size(self, bytes: usize) -> Self {
        Self {
            max_body_size: bytes,
            ..self
        }
    }

    /// Fetches with this client instead of the default one (rustls, no
    /// redirects, the configured connect timeout). Redirects the client
    /// follows to another origin make the fetch fail; the
    /// [`timeout`](Self::timeout) and [`max_body_size`](Self::max_body_size)
    /// still apply.
    pub fn client(self, client: Client) -> Self {
        Self {
            client: Some(client),
            ..self
        }
    }

    /// Checks the settings and builds the client: the way documents are
    /// fetched, or `None` with every problem added to `problems`.
    pub(crate) fn into_http<P: From<HttpFetchProblem>>(self, problems: &mut Vec<P>) -> Option<Http> {
        let found = problems.len();
        for (setting, duration) in [
            ("connect_timeout", self.connect_timeout),
            ("timeout", self.timeout),
        ] {
            if duration.is_zero() {
                problems.push(HttpFetchProblem::ZeroDuration { setting }.into());
            }
        }
        if self.max_body_size == 0 {
            problems.push(HttpFetchProblem::ZeroBodySize.into());
        }
        let client = match self.client {
            Some(client) => client,
            None => Client::builder()
                .redirect(redirect::Policy::none())
                .connect_timeout(self.connect_timeout)
                .timeout(self.timeout)
                .build()
                .map_err(|error| problems.push(HttpFetchProblem::HttpClient(error.to_string()).into()))
                .ok()?,
        };
        (problems.len() == found).then_some(Http {
            client,
            timeout: self.timeout,
            max_body_size: self.max_body_size,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults(settings: &HttpFetchSettings) -> (Duration, Duration, usize, bool) {
        (
            settings.connect_timeout,
            settings.timeout,
            settings.max_body_size,
            settings.client.is_some(),
        )
    }

    #[test]
    fn key_sets_are_fetched_within_10_s_up_to_1_mib() {
        assert_eq!(
            defaults(&HttpFetchSettings::for_key_sets()),
            (
                Duration::from_secs(5),
                Duration::from_secs(10),
                1024 * 1024,
                false
            )
        );
    }

    #[test]
    fn introspection_answers_are_fetched_within_5_s_up_to_64_kib() {
        assert_eq!(
            defaults(&HttpFetchSettings::for_introspection()),
            (Duration::from_secs(2), Duration::from_secs(5), 64 * 1024, false)
        );
    }

    #[test]
    fn the_defaults_build_a_client_with_their_limits() {
        let mut problems = Vec::<HttpFetchProblem>::new();
        let http = HttpFetchSettings::for_introspection()
            .into_http(&mut problems)
            .expect("valid defaults");
        assert_eq!(problems, []);
        assert_eq!(
            (http.timeout, http.max_body_size),
            (Duration::from_secs(5), 64 * 1024)
        );
    }

    #[test]
    fn the_setters_reach_the_built_fetcher() {
        let mut problems = Vec::<HttpFetchProblem>::new();
        let http = HttpFetchSettings::for_key_sets()
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(3))
            .max_body_size(10)
            .client(Client::new())
            .into_http(&mut problems)
            .expect("valid settings");
        assert_eq!((http.timeout, http.max_body_size), (Duration::from_secs(3), 10));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut problems = Vec::<HttpFetchProblem>::new();
        let http = HttpFetchSettings::for_key_sets()
            .connect_timeout(Duration::ZERO)
            .timeout(Duration::ZERO)
            .max_body_size(0)
            .into_http(&mut problems);
        assert!(http.is_none());
        assert_eq!(
            problems,
            [
                HttpFetchProblem::ZeroDuration {
                    setting: "connect_timeout"
                },
                HttpFetchProblem::ZeroDuration { setting: "timeout" },
                HttpFetchProblem::ZeroBodySize,
            ]
        );
    }
}
