//! The cost of DPoP on a reused access token (SPEC §3.6): one proof
//! signature check plus little else. Three measurements per algorithm,
//! side by side in one run:
//!
//! - `signature_floor`: the raw verification of one proof's signature
//!   (`jsonwebtoken::crypto::verify`, the key already parsed);
//! - `bearer_reused_token`: the authentication step for a `Bearer` token
//!   the validator already verified (today's reused-token path);
//! - `dpop_reused_token`: the authentication step for the same kind of
//!   token, DPoP-bound, with a fresh proof each time (every check, the
//!   binding, the in-memory replay store).
//!
//! The goal is `dpop_reused_token` ≤ 1.05 × (`signature_floor` +
//! `bearer_reused_token`).
//!
//! ```text
//! cargo bench -p scopeguard-core --features dpop,test-util --bench dpop
//! ```

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use divan::{Bencher, black_box};
use jsonwebtoken::{Algorithm, DecodingKey};
use scopeguard_core::JwtValidator;
use scopeguard_core::dpop::{DpopConfig, DpopMode, MemoryReplayStore, jwk_thumbprint};
use scopeguard_core::request::{Admission, Authenticator};
use scopeguard_core::test_util::{DpopKey, TestIssuer};

fn main() {
    divan::main();
}

const ORIGIN: &str = "https://api.example.com";
const PATH: &str = "/orders/7/items";
const ALGORITHMS: [&str; 2] = ["ES256", "EdDSA"];

/// The algorithms to measure: `DPOP_BENCH_ALGORITHM=EdDSA` keeps one, so
/// that a callgrind run counts one algorithm's instructions alone.
fn algorithms() -> Vec<&'static str> {
    let chosen = std::env::var("DPOP_BENCH_ALGORITHM").ok();
    ALGORITHMS
        .into_iter()
        .filter(|name| chosen.as_deref().is_none_or(|chosen| chosen == *name))
        .collect()
}

fn algorithm(name: &str) -> Algorithm {
    match name {
        "ES256" => Algorithm::ES256,
        _ => Algorithm::EdDSA,
    }
}

struct Fixture {
    key: DpopKey,
    bound: String,
    bearer: String,
    authenticator: Authenticator<JwtValidator>,
}

fn fixture(name: &str) -> Fixture {
    let issuer = TestIssuer::new();
    let key = DpopKey::generate(algorithm(name)).expect("a key");
    let dpop = DpopConfig::builder()
        .mode(DpopMode::Allowed)
        .public_origin(ORIGIN)
        .replay_store(MemoryReplayStore::new(50_000_000))
        .build()
        .expect("DPoP settings");
    let authenticator = Authenticator::new(issuer.validator()).dpop(dpop);
    let bound = issuer.token().scopes("order:item").dpop_bound(&key).sign();
    let bearer = issuer.token().scopes("order:item").sign();
    let fixture = Fixture {
        key,
        bound,
        bearer,
        authenticator,
    };
    // Both tokens verified once: the runs below reuse them.
    assert!(admitted(&fixture.authenticator, &bearer_request(&fixture.bearer)));
    assert!(admitted(
        &fixture.authenticator,
        &dpop_request(&fixture, fixture.proof())
    ));
    fixture
}

impl Fixture {
    fn proof(&self) -> String {
        self.key
            .proof("GET", &format!("{ORIGIN}{PATH}"), &self.bound)
            .sign()
    }
}

fn bearer_request(token: &str) -> http::Request<()> {
    http::Request::get(PATH)
        .header("authorization", format!("Bearer {token}"))
        .body(())
        .expect("a request")
}

fn dpop_request(fixture: &Fixture, proof: String) -> http::Request<()> {
    http::Request::get(PATH)
        .header("authorization", format!("DPoP {}", fixture.bound))
        .header("dpop", proof)
        .body(())
        .expect("a request")
}

/// Whether the authentication step admits `request` with a principal.
fn admitted(authenticator: &Authenticator<JwtValidator>, request: &http::Request<()>) -> bool {
    match authenticator.begin(request) {
        Admission::Pass(admitted) => admitted.principal().is_some(),
        Admission::Deny(_) => false,
        Admission::Validate(pending) => {
            block_on(pending.run()).is_ok_and(|admitted| admitted.principal().is_some())
        }
    }
}

/// Polls a future that never waits (the in-memory store answers at once).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

#[divan::bench(args = algorithms())]
fn signature_floor(bencher: Bencher<'_, '_>, name: &str) {
    let fixture = fixture(name);
    let proof = fixture.proof();
    let (message, signature) = proof.rsplit_once('.').expect("a JWS");
    let jwk = fixture.key.public_jwk();
    assert!(jwk_thumbprint(jwk).is_some());
    let key = DecodingKey::from_jwk(
        &serde_json::from_value(serde_json::Value::Object(jwk.clone())).expect("a JWK"),
    )
    .expect("a key");
    let alg = algorithm(name);
    bencher.bench_local(|| {
        black_box(jsonwebtoken::crypto::verify(
            black_box(signature),
            black_box(message.as_bytes()),
            &key,
            alg,
        ))
    });
}

#[divan::bench(args = algorithms())]
fn bearer_reused_token(bencher: Bencher<'_, '_>, name: &str) {
    let fixture = fixture(name);
    let request = bearer_request(&fixture.bearer);
    bencher.bench_local(|| black_box(admitted(&fixture.authenticator, black_box(&request))));
}

#[divan::bench(args = algorithms())]
fn dpop_reused_token(bencher: Bencher<'_, '_>, name: &str) {
    let fixture = fixture(name);
    bencher
        .with_inputs(|| dpop_request(&fixture, fixture.proof()))
        .bench_local_refs(|request| {
            let admitted = admitted(&fixture.authenticator, request);
            assert!(admitted);
            admitted
        });
}
