//! A real OpenID provider for integration tests: `test-support/oidc/provider.mjs`
//! (Node's `oidc-provider`) run as a child process on 127.0.0.1.
//!
//! The provider issues JWT access tokens (RFC 9068) with the
//! client-credentials grant for the resource indicators (RFC 8707) it is
//! started with, and publishes its metadata and keys like any identity
//! provider. [`OidcProvider`] starts it on a free port, waits (bounded) for
//! it to be ready, asks it for tokens, and kills it when dropped, panics
//! included.
//!
//! When `oidc-provider` is not installed yet, the first test to start the
//! provider installs it from the committed lockfile (`npm ci` in
//! `test-support/oidc`). Without Node, or when that install fails,
//! [`OidcProviderBuilder::start`] answers `None` after saying why, so the
//! test can return early; when the `CI` variable is set it panics instead,
//! so that CI never skips these tests silently.

#![allow(clippy::print_stderr)] // a skipped test says why on stderr

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, Command};

/// The client-credentials client the provider knows.
pub(crate) const CLIENT_ID: &str = "scopeguard-tests";
pub(crate) const CLIENT_SECRET: &str = "scopeguard-tests-secret";

/// What the provider prints on stdout once it accepts connections, followed
/// by its issuer.
const READY: &str = "oidc-provider listening on ";
/// How long the provider may take to start (generous: the tests start one
/// provider each, in parallel, on a small machine).
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// The deadline of one request to the provider.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// `test-support/oidc` at the root of the repository (where
/// `dpop-client.mjs` lives too).
pub(crate) fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-support/oidc")
}

/// Whether this runs under continuous integration, where a missing
/// prerequisite is a failure rather than a reason to skip.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !matches!(value.as_str(), "" | "0" | "false"))
}

/// Why the provider cannot run on this machine, if it cannot.
async fn missing_prerequisite() -> Option<String> {
    let dir = provider_dir();
    let node = Command::new("node")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .await;
    if !node.is_ok_and(|output| output.status.success()) {
        return Some("`node` is not on the PATH".to_owned());
    }
    let installed = ["oidc-provider", "dpop"]
        .iter()
        .all(|package| dir.join(format!("node_modules/{package}/package.json")).is_file());
    if !installed {
        return install_provider(&dir).err();
    }
    None
}

/// Installs `oidc-provider` from the committed lockfile (`npm ci`), once per
/// test process however many tests ask.
fn install_provider(dir: &Path) -> Result<(), String> {
    static INSTALLED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let output = std::process::Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(dir)
                .stdin(Stdio::null())
                .output()
                .map_err(|error| format!("cannot run `npm ci` in {}: {error}", dir.display()))?;
            if output.status.success() {
                Ok(())
            } else {
                Err(format!(
                    "`npm ci` in {} failed: {}",
                    dir.display(),
                    String::from_utf8_lossy(&output.stderr)
                ))
            }
        })
        .clone()
}

/// Configures an [`OidcProvider`]; made by [`OidcProvider::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub(crate) struct OidcProviderBuilder {
    resources: Vec<String>,
    algorithm: &'static str,
    /// Resources whose tokens are opaque (introspected, RFC 7662 and 9701).
    opaque_resources: Vec<String>,
}

impl OidcProviderBuilder {
    /// Lets the provider issue tokens for the resource indicator `resource`
    /// (their `aud`).
    pub(crate) fn resource(mut self, resource: impl Into<String>) -> Self {
        self.resources.push(resource.into());
        self
    }

    /// Lets the provider issue opaque tokens for the resource indicator
    /// `resource`, for introspection (RFC 7662; signed answers, RFC 9701).
    #[allow(dead_code, reason = "only tests/oidc_introspection.rs asks for opaque tokens")]
    pub(crate) fn opaque_resource(mut self, resource: impl Into<String>) -> Self {
        self.opaque_resources.push(resource.into());
        self
    }

    /// Signs access tokens with `algorithm` (default RS256).
    pub(crate) fn algorithm(mut self, algorithm: &'static str) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Starts the provider on a free port of 127.0.0.1 and waits until it
    /// answers discovery.
    ///
    /// `None` when Node or the `oidc-provider` install is missing and `CI`
    /// is not set (the reason is printed); panics when they are missing
    /// under CI, or when the provider does not start.
    pub(crate) async fn start(self) -> Option<OidcProvider> {
        if let Some(reason) = missing_prerequisite().await {
            assert!(
                !in_ci(),
                "the OpenID provider tests cannot run under CI: {reason}"
            );
            eprintln!("skipped: the OpenID provider tests need Node and oidc-provider: {reason}");
            return None;
        }

        let mut child = Command::new("node")
            .arg("provider.mjs")
            .arg("0")
            .current_dir(provider_dir())
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_RESOURCES", self.resources.join(" "))
            .env("OIDC_ACCESS_TOKEN_ALG", self.algorithm)
            .env("OIDC_OPAQUE_RESOURCES", self.opaque_resources.join(" "))
            // The provider exits when this process goes away, however it goes.
            .env("OIDC_EXIT_ON_STDIN_CLOSE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("`node provider.mjs` starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let output = Output::default();
        tokio::spawn(output.clone().collect(BufReader::new(stderr).lines()));

        // From here on, dropping `provider` kills the child.
        let mut provider = OidcProvider {
            child,
            issuer: String::new(),
            token_endpoint: String::new(),
            http: reqwest::Client::builder()
                .no_proxy()
                .timeout(REQUEST_TIMEOUT)
                .build()
                .expect("an HTTP client"),
            output: output.clone(),
        };

        let mut stdout = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = stdout.next_line().await? {
                if let Some(issuer) = line.strip_prefix(READY) {
                    return Ok(Some(issuer.to_owned()));
                }
                output.push(&line);
            }
            Ok::<_, std::io::Error>(None)
        })
        .await;
        provider.issuer = match ready {
            Ok(Ok(Some(issuer))) => issuer,
            Ok(Ok(None)) => panic!(
                "the OpenID provider exited before it was ready ({:?})",
                provider.child.wait().await
            ),
            Ok(Err(error)) => panic!("cannot read the OpenID provider's output: {error}"),
            Err(elapsed) => panic!("the OpenID provider was not ready within {START_TIMEOUT:?}: {elapsed}"),
        };
        tokio::spawn(output.collect(stdout));

        let metadata = provider.metadata().await;
        metadata["token_endpoint"]
            .as_str()
            .expect("the metadata names a token endpoint")
            .clone_into(&mut provider.token_endpoint);
        Some(provider)
    }
}

/// A running `oidc-provider`, killed when dropped.
///
/// When a test panics while it runs, dropping it prints what the provider
/// wrote on stdout and stderr.
pub(crate) struct OidcProvider {
    child: Child,
    issuer: String,
    token_endpoint: String,
    http: reqwest::Client,
    output: Output,
}

impl OidcProvider {
    /// A provider issuing RS256-signed tokens for no resource yet.
    pub(crate) fn builder() -> OidcProviderBuilder {
        OidcProviderBuilder {
            resources: Vec::new(),
            algorithm: "RS256",
            opaque_resources: Vec::new(),
        }
    }

    /// The issuer identifier: `http://127.0.0.1:PORT`, no trailing slash.
    pub(crate) fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The provider's OpenID Connect discovery document.
    pub(crate) async fn metadata(&self) -> serde_json::Value {
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let response = self.http.get(url).send().await.expect("discovery answers");
        assert_eq!(response.status(), 200, "discovery answers 200");
        let body = response.bytes().await.expect("the discovery document");
        serde_json::from_slice(&body).expect("the discovery document is JSON")
    }

    /// Asks for an access token with the client-credentials grant
    /// (RFC 6749 §4.4), for `scope` (space-delimited) at `resource`
    /// (RFC 8707), authenticating with `client_secret_basic`.
    pub(crate) async fn client_credentials(
        &self,
        scope: &str,
        resource: &str,
    ) -> Result<IssuedToken, TokenError> {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("scope", scope)
            .append_pair("resource", resource)
            .finish();
        // RFC 6749 §2.3.1: the client's id and secret are form-encoded
        // before they are joined for Basic authentication.
        let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
        let response = self
            .http
            .post(&self.token_endpoint)
            .basic_auth(encode(CLIENT_ID), Some(encode(CLIENT_SECRET)))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("the token endpoint answers");
        let status = response.status().as_u16();
        let body = response.bytes().await.expect("the token endpoint's answer");
        let answer: serde_json::Value =
            serde_json::from_slice(&body).expect("the token endpoint answers JSON");
        if status != 200 {
            return Err(TokenError {
                status,
                error: answer["error"].as_str().map(str::to_owned),
            });
        }
        let text = |name: &str| answer[name].as_str().map(str::to_owned);
        Ok(IssuedToken {
            access_token: text("access_token").expect("the answer has an access token"),
            token_type: text("token_type").expect("the answer has a token type"),
            scope: text("scope"),
            expires_in: answer["expires_in"].as_u64(),
        })
    }

    /// The token endpoint, from the provider's metadata.
    #[allow(dead_code, reason = "read by oidc_dpop.rs, not by oidc_provider.rs")]
    pub(crate) fn token_endpoint(&self) -> &str {
        &self.token_endpoint
    }

    /// The issuer's address, host and port.
    pub(crate) fn authority(&self) -> &str {
        self.issuer.strip_prefix("http://").unwrap_or(&self.issuer)
    }
}

impl fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcProvider")
            .field("issuer", &self.issuer)
            .field("pid", &self.child.id())
            .finish_non_exhaustive()
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        // Already gone when it failed to start; nothing else to do then.
        let _ = self.child.start_kill();
        if std::thread::panicking() {
            eprintln!("--- oidc-provider output ---\n{}", self.output.text());
        }
    }
}

/// An access token the provider issued, with the rest of its answer.
///
/// [`Debug`](fmt::Debug) never shows the token.
pub(crate) struct IssuedToken {
    access_token: String,
    /// `token_type`.
    pub(crate) token_type: String,
    /// `scope`: the granted scopes, when the answer lists them.
    pub(crate) scope: Option<String>,
    /// `expires_in`, in seconds.
    pub(crate) expires_in: Option<u64>,
}

impl IssuedToken {
    /// The access token, to present as a bearer token.
    pub(crate) fn secret(&self) -> &str {
        &self.access_token
    }

    /// The token's JOSE header, decoded.
    pub(crate) fn header(&self) -> serde_json::Value {
        let header = self
            .access_token
            .split('.')
            .next()
            .expect("split yields at least one part");
        let json = URL_SAFE_NO_PAD.decode(header).expect("the header is base64url");
        serde_json::from_slice(&json).expect("the header is JSON")
    }

    /// How many dot-separated parts the token has (three for a JWS).
    pub(crate) fn parts(&self) -> usize {
        self.access_token.split('.').count()
    }
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("scope", &self.scope)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// The token endpoint refused: its status and OAuth `error` code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenError {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The `error` member (RFC 6749 §5.2).
    pub(crate) error: Option<String>,
}

/// What the provider wrote on stdout and stderr, kept to show when a test
/// fails.
#[derive(Debug, Clone, Default)]
struct Output(Arc<Mutex<String>>);

impl Output {
    fn push(&self, line: &str) {
        let mut text = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        text.push_str(line);
        text.push('\n');
    }

    fn text(&self) -> String {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Appends every line of `lines` until the end or a read error.
    async fn collect(self, mut lines: Lines<impl AsyncBufRead + Unpin>) {
        while let Ok(Some(line)) = lines.next_line().await {
            self.push(&line);
        }
    }
}
