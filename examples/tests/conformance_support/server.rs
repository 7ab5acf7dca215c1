//! A conformance server (`conformance-axum`, `conformance-actix` or
//! `conformance-tonic`) run as a child process on a free port, killed when
//! dropped, panics included.

use std::fmt;
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, Command};

/// What a server prints on stdout when it is ready, then its address.
const READY: &str = "listening on http://";
/// How long a server may take to start (it fetches the keys first).
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// The placeholder answers carry instead of a server's own `http://ADDR`.
pub(crate) const SERVER: &str = "http://SERVER";

/// A running conformance server.
pub(crate) struct ConformanceServer {
    name: &'static str,
    child: Child,
    base: String,
    http: reqwest::Client,
    output: Output,
}

/// A server's answer, with its own address replaced by [`SERVER`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    /// The status code.
    pub(crate) status: u16,
    /// `WWW-Authenticate`, when there is one.
    pub(crate) challenge: Option<String>,
    /// `Content-Type`, when there is one.
    pub(crate) content_type: Option<String>,
    /// `Retry-After`, when there is one.
    pub(crate) retry_after: Option<String>,
    /// `DPoP-Nonce`, when there is one.
    pub(crate) dpop_nonce: Option<String>,
    /// The body, as text.
    pub(crate) body: String,
}

impl ConformanceServer {
    /// Starts the binary `program` (named `name`) on 127.0.0.1 port 0 with
    /// the `SCOPEGUARD_*` settings `env` (any others inherited are
    /// removed), and waits for its ready line.
    pub(crate) async fn start(name: &'static str, program: &str, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(program);
        for (variable, _) in std::env::vars().filter(|(variable, _)| variable.starts_with("SCOPEGUARD_")) {
            command.env_remove(variable);
        }
        command
            .env("SCOPEGUARD_ADDR", "127.0.0.1:0")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("{name} starts: {error}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let output = Output::default();
        tokio::spawn(output.clone().collect(BufReader::new(stderr).lines()));

        // From here on, dropping `server` kills the child.
        let mut server = Self {
            name,
            child,
            base: String::new(),
            http: reqwest::Client::builder()
                .no_proxy()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("an HTTP client"),
            output: output.clone(),
        };
        let mut stdout = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(START_TIMEOUT, stdout.next_line()).await;
        let line = match ready {
            Ok(Ok(Some(line))) => line,
            Ok(Ok(None)) => panic!(
                "{name} exited before it was ready ({:?})",
                server.child.wait().await
            ),
            Ok(Err(error)) => panic!("cannot read {name}'s output: {error}"),
            Err(elapsed) => panic!("{name} was not ready within {START_TIMEOUT:?}: {elapsed}"),
        };
        let addr = line
            .strip_prefix(READY)
            .unwrap_or_else(|| panic!("{name}'s first line is the ready line, not {line:?}"));
        let addr: std::net::SocketAddr = addr
            .parse()
            .unwrap_or_else(|_| panic!("{name} names an address: {line:?}"));
        assert_ne!(addr.port(), 0, "{name} prints the port it bound, not 0");
        server.base = format!("http://{addr}");
        tokio::spawn(output.collect(stdout));
        server
    }

    /// `http://ADDR`, the server's own address.
    #[allow(
        dead_code,
        reason = "read by conformance_tonic.rs and oidc_dpop.rs, not by conformance.rs"
    )]
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// The framework's name.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// Sends `method path` with `authorization`, if any.
    pub(crate) async fn send(&self, method: &str, path: &str, authorization: Option<&str>) -> Answer {
        let headers: Vec<(&str, &str)> = authorization
            .map(|authorization| ("authorization", authorization))
            .into_iter()
            .collect();
        self.send_with(method, path, &headers).await
    }

    /// Sends `method path` with these headers.
    pub(crate) async fn send_with(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("{} answers {path}: {error}", self.name));
        let header = |name: &str| {
            response.headers().get(name).map(|value| {
                value
                    .to_str()
                    .expect("an ASCII header")
                    .replace(&self.base, SERVER)
            })
        };
        let challenge = header("www-authenticate");
        let content_type = header("content-type");
        let retry_after = header("retry-after");
        let dpop_nonce = header("dpop-nonce");
        let status = response.status().as_u16();
        let body = response.text().await.expect("a body");
        Answer {
            status,
            challenge,
            content_type,
            retry_after,
            dpop_nonce,
            body: body.replace(&self.base, SERVER),
        }
    }
}

impl fmt::Debug for ConformanceServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConformanceServer")
            .field("name", &self.name)
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Drop for ConformanceServer {
    #[allow(clippy::print_stderr)] // a failing test shows the server's logs
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        if std::thread::panicking() {
            eprintln!("--- {} output ---\n{}", self.name, self.output.text());
        }
    }
}

/// What a child wrote, kept to show when a test fails.
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

    async fn collect(self, mut lines: Lines<impl AsyncBufRead + Unpin>) {
        while let Ok(Some(line)) = lines.next_line().await {
            self.push(&line);
        }
    }
}
