//! Introspection answers (RFC 7662 §2.2, SPEC §3.5), through the public
//! `IntrospectionValidator`: an in-process endpoint on 127.0.0.1 answers
//! every call with the fuzz input as its 200 body (the answer parser is
//! private; this is the path every answer takes).
//!
//! Properties, against an oracle written from the SPEC:
//! - not UTF-8, not one JSON object, a member the validator reads given
//!   twice, or `active` missing or not a boolean: the endpoint is failing,
//!   503 (`Unavailable`), never 401 and never a principal;
//! - `active: false`: 401 `inactive`;
//! - a principal only for `active: true`, with `iss` (when present) the
//!   configured issuer, `aud` containing the configured audience, `exp` (when
//!   present) not past, and exactly the scopes of the `scope` member;
//! - every other outcome is a 401;
//! - a member the validator does not read changes nothing, whatever it holds
//!   (even a number no numeric type holds).
#![no_main]

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use scopeguard_core::validation::introspection::IntrospectionValidator;
use scopeguard_core::{AuthError, GrantedScopes};
use scopeguard_fuzz::{AUDIENCE, ISSUER, now, runtime};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The members the validator reads (a duplicate of one is malformed).
const READ: [&str; 11] = [
    "active", "scope", "client_id", "exp", "iat", "nbf", "sub", "aud", "iss", "auth_time", "acr",
];

/// The next answer of the endpoint.
static BODY: Mutex<Vec<u8>> = Mutex::new(Vec::new());

fn validator() -> &'static IntrospectionValidator {
    static VALIDATOR: OnceLock<IntrospectionValidator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let url = runtime().block_on(endpoint());
        IntrospectionValidator::builder(url)
            .client_credentials("fuzz", "secret")
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .without_cache()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("a valid configuration")
    })
}

/// A keep-alive HTTP/1.1 endpoint answering every request with [`BODY`].
async fn endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0_u8; 4096];
                loop {
                    // One request: its head, then its Content-Length body.
                    let head_end = loop {
                        if let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
                            break end + 4;
                        }
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
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
                            Ok(0) | Err(_) => return,
                            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
                        }
                    }
                    buffer.drain(..head_end + length);
                    let body = BODY.lock().expect("the body").clone();
                    let mut answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    answer.extend_from_slice(&body);
                    if stream.write_all(&answer).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}/introspect")
}

/// A JSON object's members with their raw values (a repeated member keeps
/// its last value), and whether a member the validator reads is repeated.
struct RawMembers<'a> {
    members: BTreeMap<String, &'a RawValue>,
    repeats_read_member: bool,
}

impl<'de: 'a, 'a> Deserialize<'de> for RawMembers<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = RawMembers<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = BTreeMap::new();
                let mut repeats_read_member = false;
                while let Some(name) = map.next_key::<String>()? {
                    let value = map.next_value::<&RawValue>()?;
                    if members.insert(name.clone(), value).is_some() && READ.contains(&name.as_str()) {
                        repeats_read_member = true;
                    }
                }
                Ok(RawMembers { members, repeats_read_member })
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// What the SPEC says an answer means, as far as it can be told without
/// the validator.
enum Answer {
    /// Not UTF-8, not one JSON object, a read member repeated, or `active`
    /// missing or not a boolean: the endpoint is failing (503).
    Malformed,
    /// Valid JSON whose read member `Value` cannot hold (a number out of
    /// `f64` range): the validator reads it as a member of the wrong type,
    /// which is its call, not the oracle's; never a principal.
    UnrepresentableReadMember,
    /// The members that `Value` can hold; a member the validator does not
    /// read is ignored whatever it holds, so an unrepresentable one is left
    /// out.
    Members(serde_json::Map<String, Value>),
}

fn readable(body: &[u8]) -> Answer {
    let Ok(text) = std::str::from_utf8(body) else {
        return Answer::Malformed;
    };
    let Ok(raw) = serde_json::from_str::<RawMembers<'_>>(text) else {
        return Answer::Malformed;
    };
    if raw.repeats_read_member {
        return Answer::Malformed;
    }
    let mut members = serde_json::Map::new();
    for (name, value) in raw.members {
        match serde_json::from_str::<Value>(value.get()) {
            Ok(value) => {
                members.insert(name, value);
            }
            Err(_) if READ.contains(&name.as_str()) => return Answer::UnrepresentableReadMember,
            Err(_) => {}
        }
    }
    if members.get("active").and_then(Value::as_bool).is_none() {
        return Answer::Malformed;
    }
    Answer::Members(members)
}

fn strings(value: &Value) -> Option<Vec<&str>> {
    match value {
        Value::String(one) => Some(vec![one.as_str()]),
        Value::Array(many) => many.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let validator = validator();
    data.clone_into(&mut BODY.lock().expect("the body"));
    let outcome = runtime().block_on(validator.validate("opaque-token"));
    let members = match readable(data) {
        Answer::Members(members) => members,
        Answer::UnrepresentableReadMember => {
            assert!(
                outcome.as_ref().is_err_and(|error| error.status() != 200),
                "{outcome:?} for {:?}",
                String::from_utf8_lossy(data)
            );
            return;
        }
        Answer::Malformed => {
            assert!(
                matches!(outcome, Err(AuthError::Unavailable(_))),
                "a malformed answer gave {outcome:?}: {:?}",
                String::from_utf8_lossy(data)
            );
            return;
        }
    };
    let active = members["active"].as_bool().expect("a boolean");
    match &outcome {
        Ok(principal) => {
            assert!(active, "a principal from an inactive answer");
            if let Some(iss) = members.get("iss") {
                assert_eq!(iss.as_str(), Some(ISSUER));
            }
            let aud = strings(members.get("aud").expect("aud is required")).expect("strings");
            assert!(aud.contains(&AUDIENCE), "audience {aud:?}");
            if let Some(exp) = members.get("exp") {
                let exp = exp.as_f64().expect("a number");
                assert!(exp + 60.0 > now() as f64, "expired at {exp}");
            }
            let scope = members.get("scope").map_or("", |scope| scope.as_str().expect("a string"));
            assert_eq!(
                principal.scopes(),
                &GrantedScopes::from_space_delimited(scope).expect("valid scopes")
            );
            assert_eq!(principal.sub(), members.get("sub").and_then(Value::as_str));
        }
        Err(error) => {
            assert_eq!(error.status(), 401, "{error:?} for {:?}", String::from_utf8_lossy(data));
            if !active {
                assert_eq!(error.label(), "inactive");
            }
        }
    }
});
