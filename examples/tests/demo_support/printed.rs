//! Reading a demo's printed walkthrough: each `# ... -> expect STATUS`
//! heading and the `curl` line under it, and who the request is from,
//! told by the claims of its token (not by the heading's words).

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;

use super::table::{Caller, PERSONAS, PrintedRequest};

/// A printed request and the status promised for it.
#[derive(Debug)]
pub(crate) struct Promise {
    pub(crate) heading: String,
    pub(crate) expect: u16,
    pub(crate) method: Method,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<String>,
}

/// Splits a shell line into words: spaces separate, single quotes group.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quoted = false;
    for character in line.chars() {
        match character {
            '\'' => {
                quoted = !quoted;
                word.get_or_insert_with(String::new);
            }
            ' ' if !quoted => words.extend(word.take()),
            _ => word.get_or_insert_with(String::new).push(character),
        }
    }
    assert!(!quoted, "an unterminated quote in {line}");
    words.extend(word);
    words
}

/// The promise of a heading and the `curl` line under it.
pub(crate) fn promise(heading: &str, curl: &str) -> Promise {
    let (_, expect) = heading
        .split_once(" -> expect ")
        .unwrap_or_else(|| panic!("no expectation in {heading}"));
    let expect = expect
        .get(..3)
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("no status in {heading}"));
    let words = shell_words(curl);
    assert_eq!(
        words.first().map(String::as_str),
        Some("curl"),
        "not a curl line: {curl}"
    );
    let mut promise = Promise {
        heading: heading.to_owned(),
        expect,
        method: Method::GET,
        url: String::new(),
        headers: Vec::new(),
        body: None,
    };
    let mut words = words.into_iter().skip(1);
    while let Some(word) = words.next() {
        let mut value = || {
            words
                .next()
                .unwrap_or_else(|| panic!("{word} needs a value in {curl}"))
        };
        match word.as_str() {
            "-i" => {}
            "-X" => promise.method = value().parse().expect("a method"),
            "-H" => {
                let header = value();
                let (name, value) = header.split_once(": ").expect("a `Name: value` header");
                promise.headers.push((name.to_owned(), value.to_owned()));
            }
            "-d" => promise.body = Some(value()),
            url if !url.starts_with('-') => url.clone_into(&mut promise.url),
            other => panic!("unexpected curl option {other} in {curl}"),
        }
    }
    assert!(promise.url.starts_with("http://"), "no URL in {curl}");
    promise
}

/// Every promise printed on `stdout`.
pub(crate) fn promises(stdout: &[String]) -> Vec<Promise> {
    stdout
        .iter()
        .enumerate()
        .filter(|(_, line)| line.starts_with("# ") && line.contains(" -> expect "))
        .map(|(at, heading)| {
            let curl = stdout.get(at + 1).map_or("", String::as_str);
            promise(heading, curl)
        })
        .collect()
}

impl Promise {
    /// The bearer token sent, if any.
    pub(crate) fn token(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, value)| value.strip_prefix("Bearer "))
    }

    /// Who sends it, from its token's claims.
    pub(crate) fn caller(&self) -> Result<Caller, String> {
        self.token().map_or(Ok(Caller::Anonymous), caller_of)
    }

    /// The request as the table sees it, for the API at `base`.
    pub(crate) fn request(&self, base: &str) -> Result<PrintedRequest, String> {
        let path = self
            .url
            .strip_prefix(base)
            .ok_or_else(|| format!("{} is not on {base}", self.url))?;
        Ok(PrintedRequest {
            caller: self.caller()?,
            method: self.method.to_string(),
            path: path.to_owned(),
            promised: self.expect,
        })
    }
}

/// The caller holding `token`: the persona of its `sub`, whose scopes it
/// must grant exactly (in any order); the expired customer when past `exp`.
pub(crate) fn caller_of(token: &str) -> Result<Caller, String> {
    let payload = token
        .split('.')
        .nth(1)
        .and_then(|payload| URL_SAFE_NO_PAD.decode(payload).ok())
        .and_then(|json| serde_json::from_slice::<serde_json::Value>(&json).ok())
        .ok_or("a token whose payload is not JSON")?;
    let sub = payload["sub"].as_str().ok_or("a token without `sub`")?;
    let persona = PERSONAS
        .iter()
        .find(|persona| persona.sub == sub)
        .ok_or_else(|| format!("a token of an unknown persona, {sub}"))?;
    let mut granted: Vec<&str> = payload["scope"].as_str().unwrap_or("").split(' ').collect();
    let mut expected: Vec<&str> = persona.scopes.split(' ').collect();
    granted.sort_unstable();
    expected.sort_unstable();
    if granted != expected {
        return Err(format!(
            "{sub}'s token grants {granted:?}, the table says {expected:?}"
        ));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after the epoch")
        .as_secs();
    let expired = payload["exp"].as_u64().is_some_and(|exp| exp <= now);
    match (expired, persona.caller) {
        (false, caller) => Ok(caller),
        (true, Caller::Customer) => Ok(Caller::ExpiredCustomer),
        (true, caller) => Err(format!(
            "an expired token of {caller:?}, which the table does not have"
        )),
    }
}
