//! A demo binary as a child process: started on a free port with a chosen
//! environment, its stdout read up to its ready line, killed when dropped.

use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::Client;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::time::timeout;

/// How long a demo may take to print its walkthrough and listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// The deadline of one request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// What a demo prints last, before the API's URL.
const READY: &str = "listening on ";

pub(crate) const AXUM: &str = env!("CARGO_BIN_EXE_inventory-api");
pub(crate) const ACTIX: &str = env!("CARGO_BIN_EXE_inventory-api-actix");

/// A demo running as a child process, killed when dropped.
pub(crate) struct RunningDemo {
    _child: Child,
    /// What it printed on stdout up to and including the ready line.
    pub(crate) stdout: Vec<String>,
    /// The API's root URL, from the ready line.
    pub(crate) base: String,
    /// Its log so far, for failure messages.
    stderr: Arc<Mutex<String>>,
}

impl RunningDemo {
    /// Starts `binary` on a free port with the `SCOPEGUARD_*` variables
    /// `env` (and no others), and waits for its ready line.
    pub(crate) async fn start(binary: &str, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(binary);
        for variable in [
            "SCOPEGUARD_ISSUER",
            "SCOPEGUARD_AUDIENCE",
            "SCOPEGUARD_JWKS_URL",
            "RUST_LOG",
        ] {
            command.env_remove(variable);
        }
        command
            .env("SCOPEGUARD_ADDR", "127.0.0.1:0")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("the demo starts");

        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().expect("stderr is piped");
        let log = Arc::clone(&stderr);
        tokio::spawn(async move {
            let mut chunk = [0_u8; 4096];
            while let Ok(read @ 1..) = pipe.read(&mut chunk).await {
                log.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push_str(&String::from_utf8_lossy(&chunk[..read]));
            }
        });

        let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
        let mut stdout = Vec::new();
        let base = timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await.expect("stdout is readable") {
                let ready = line.strip_prefix(READY).map(str::to_owned);
                stdout.push(line);
                if ready.is_some() {
                    return ready;
                }
            }
            None
        })
        .await;
        let log = stderr.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let base = match base {
            Ok(Some(base)) => base,
            Ok(None) => panic!("{binary} exited before listening; stdout: {stdout:#?}; stderr:\n{log}"),
            Err(elapsed) => {
                panic!("{binary} did not listen within {START_TIMEOUT:?} ({elapsed}); stderr:\n{log}")
            }
        };
        // Keep reading stdout so that the demo never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            _child: child,
            stdout,
            base,
            stderr,
        }
    }

    pub(crate) fn log(&self) -> String {
        self.stderr.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// An HTTP client for the demo: no proxy, a deadline per request.
pub(crate) fn client() -> Client {
    Client::builder()
        .no_proxy()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("a client")
}
