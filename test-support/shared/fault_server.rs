//! A misbehaving HTTP server on 127.0.0.1 for fault-injection tests of the
//! key server and the introspection endpoint: it reads each request's head
//! and body, then answers with whatever the current [`Fault`] says — raw
//! bytes, trickled slowly, cut short, or nothing at all. The test changes
//! the fault at any time (to "heal" the dependency) and counts the requests.
//!
//! Included with `#[path]` as `mod fault_server;`.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// How the server answers.
#[derive(Debug, Clone)]
pub(crate) enum Fault {
    /// A well-formed answer: status, content type, body.
    Answer {
        status: u16,
        content_type: &'static str,
        body: String,
    },
    /// A 200 whose head announces `body` and whose body bytes are then sent
    /// one `chunk` at a time, `pause` apart (a slow drip).
    Drip {
        body: String,
        chunk: usize,
        pause: Duration,
    },
    /// A 200 announcing `announced` bytes of which only `body` is sent, then
    /// the connection closes (a truncated body).
    Truncated { body: String, announced: usize },
    /// The request is read and never answered; the connection stays open.
    Silent,
    /// The connection is closed as soon as the request is read.
    Hangup,
}

impl Fault {
    /// 200, `application/json`, `body`.
    pub(crate) fn json(body: impl Into<String>) -> Self {
        Self::Answer {
            status: 200,
            content_type: "application/json",
            body: body.into(),
        }
    }
}

/// The running server; stopped when dropped.
pub(crate) struct FaultServer {
    addr: SocketAddr,
    fault: Arc<Mutex<Fault>>,
    requests: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultServer {
    /// Starts on a free port of 127.0.0.1, answering with `fault`.
    pub(crate) async fn start(fault: Fault) -> Self {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), fault).await
    }

    /// Starts on `addr`, answering with `fault`.
    pub(crate) async fn start_on(addr: SocketAddr, fault: Fault) -> Self {
        let listener = TcpListener::bind(addr).await.expect("bind the address");
        let addr = listener.local_addr().expect("the local address");
        let fault = Arc::new(Mutex::new(fault));
        let requests = Arc::new(AtomicUsize::new(0));
        let task = {
            let fault = Arc::clone(&fault);
            let requests = Arc::clone(&requests);
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let fault = Arc::clone(&fault);
                    let requests = Arc::clone(&requests);
                    tokio::spawn(serve(stream, fault, requests));
                }
            })
        };
        Self {
            addr,
            fault,
            requests,
            task,
        }
    }

    /// `http://ADDR{path}`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Answers with `fault` from now on.
    pub(crate) fn set(&self, fault: Fault) {
        *self.fault.lock().unwrap_or_else(PoisonError::into_inner) = fault;
    }

    /// The requests read so far.
    pub(crate) fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads one request (head and `Content-Length` body); `false` at the end
/// of the stream.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> bool {
    let mut chunk = [0_u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    }
    buffer.drain(..head_end + length);
    true
}

fn head(status: u16, content_type: &str, length: usize) -> String {
    format!("HTTP/1.1 {status} Fault\r\ncontent-type: {content_type}\r\ncontent-length: {length}\r\n\r\n")
}

async fn serve(mut stream: TcpStream, fault: Arc<Mutex<Fault>>, requests: Arc<AtomicUsize>) {
    let mut buffer = Vec::new();
    while read_request(&mut stream, &mut buffer).await {
        requests.fetch_add(1, Ordering::SeqCst);
        let fault = fault.lock().unwrap_or_else(PoisonError::into_inner).clone();
        match fault {
            Fault::Answer {
                status,
                content_type,
                body,
            } => {
                let answer = head(status, content_type, body.len()) + &body;
                if stream.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
            }
            Fault::Drip { body, chunk, pause } => {
                if stream
                    .write_all(head(200, "application/json", body.len()).as_bytes())
                    .await
                    .is_err()
                {
                    return;
                }
                for piece in body.as_bytes().chunks(chunk.max(1)) {
                    tokio::time::sleep(pause).await;
                    if stream.write_all(piece).await.is_err() {
                        return;
                    }
                }
            }
            Fault::Truncated { body, announced } => {
                let answer = head(200, "application/json", announced) + &body;
                let _ = stream.write_all(answer.as_bytes()).await;
                return;
            }
            Fault::Silent => {
                // Hold the connection until the client gives up.
                let mut sink = [0_u8; 64];
                while matches!(stream.read(&mut sink).await, Ok(read) if read > 0) {}
                return;
            }
            Fault::Hangup => return,
        }
    }
}
