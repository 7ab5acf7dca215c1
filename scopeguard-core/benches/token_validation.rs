//! Benchmarks of JWT validation: the validator, uncached and cached, next to
//! raw `jsonwebtoken::decode` with the same key and the same checks, per
//! algorithm.
//!
//! Run with the default backend (aws-lc-rs) and with the pure-Rust one:
//!
//! ```text
//! cargo bench -p scopeguard-core --bench token_validation
//! cargo bench -p scopeguard-core --bench token_validation --no-default-features --features jwt,rust-crypto
//! ```

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{SystemTime, UNIX_EPOCH};

use divan::{Bencher, black_box};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use scopeguard_core::JwtValidator;
use scopeguard_core::validation::jwt::Algorithm;
use scopeguard_core::validation::keys::{KeySet, StaticKeys, VerificationKey};

fn main() {
    divan::main();
}

const ISSUER: &str = "https://issuer.example";
const AUDIENCE: &str = "orders-api";
const ALGORITHMS: [&str; 4] = ["HS256", "RS256", "ES256", "EdDSA"];

const RSA_PRIVATE: &[u8] = include_bytes!("../tests/keys/rsa_private.pem");
const RSA_PUBLIC: &[u8] = include_bytes!("../tests/keys/rsa_public.pem");
const P256_PRIVATE: &[u8] = include_bytes!("../tests/keys/ec_p256_private.pem");
const P256_PUBLIC: &[u8] = include_bytes!("../tests/keys/ec_p256_public.pem");
const ED25519_PRIVATE: &[u8] = include_bytes!("../tests/keys/ed25519_private.pem");
const ED25519_PUBLIC: &[u8] = include_bytes!("../tests/keys/ed25519_public.pem");
const HMAC_SECRET: &[u8] = include_bytes!("../tests/keys/hmac_secret.txt");

/// The claims a typical access token carries, as a user of raw
/// `jsonwebtoken` would declare them.
#[derive(serde::Serialize, serde::Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    aud: String,
    exp: u64,
    iat: u64,
    auth_time: u64,
    client_id: String,
    jti: String,
    scope: String,
}

/// One algorithm's key, token and validators.
struct Fixture {
    token: String,
    decoding_key: DecodingKey,
    validation: Validation,
    uncached: JwtValidator,
    cached: JwtValidator,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let (alg, encoding_key, decoding_key, key) = match name {
            "HS256" => (
                Algorithm::HS256,
                EncodingKey::from_secret(HMAC_SECRET),
                DecodingKey::from_secret(HMAC_SECRET),
                VerificationKey::hmac_secret(HMAC_SECRET),
            ),
            "RS256" => (
                Algorithm::RS256,
                EncodingKey::from_rsa_pem(RSA_PRIVATE).expect("RSA key"),
                DecodingKey::from_rsa_pem(RSA_PUBLIC).expect("RSA key"),
                VerificationKey::rsa_pem(RSA_PUBLIC).expect("RSA key"),
            ),
            "ES256" => (
                Algorithm::ES256,
                EncodingKey::from_ec_pem(P256_PRIVATE).expect("EC key"),
                DecodingKey::from_ec_pem(P256_PUBLIC).expect("EC key"),
                VerificationKey::ec_pem(P256_PUBLIC).expect("EC key"),
            ),
            "EdDSA" => (
                Algorithm::EdDSA,
                EncodingKey::from_ed_pem(ED25519_PRIVATE).expect("Ed key"),
                DecodingKey::from_ed_pem(ED25519_PUBLIC).expect("Ed key"),
                VerificationKey::ed_pem(ED25519_PUBLIC).expect("Ed key"),
            ),
            other => panic!("unknown algorithm {other}"),
        };
        let builder = || {
            JwtValidator::builder()
                .issuer(ISSUER, StaticKeys::new(KeySet::new([key.clone().with_kid("k1")])))
                .audience(AUDIENCE)
                .algorithms([alg])
        };
        let uncached = builder().without_token_cache().build().expect("configuration");
        let cached = builder().build().expect("configuration");

        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let claims = Claims {
            iss: ISSUER.into(),
            sub: "248289761001".into(),
            aud: AUDIENCE.into(),
            exp: now + 3600,
            iat: now,
            auth_time: now - 60,
            client_id: "s6BhdRkqt3".into(),
            jti: "dbe39bf3a3ba4238a513f51d6e1691c4".into(),
            scope: "openid profile order:item inventory:price.write report:read".into(),
        };
        let mut header = Header::new(alg);
        header.typ = Some("at+jwt".into());
        header.kid = Some("k1".into());
        let token = jsonwebtoken::encode(&header, &claims, &encoding_key).expect("signing");

        let mut validation = Validation::new(alg);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = 60;

        Self {
            token,
            decoding_key,
            validation,
            uncached,
            cached,
        }
    }
}

/// Runs a future that completes without waiting (static keys).
fn ready<F: Future>(future: F) -> F::Output {
    let mut context = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut context) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("validation with static keys does not wait"),
    }
}

#[divan::bench(args = ALGORITHMS)]
fn raw_decode(bencher: Bencher<'_, '_>, alg: &str) {
    let fixture = Fixture::new(alg);
    bencher.bench(|| {
        jsonwebtoken::decode::<Claims>(
            black_box(&fixture.token),
            &fixture.decoding_key,
            &fixture.validation,
        )
        .expect("valid")
    });
}

#[divan::bench(args = ALGORITHMS)]
fn validator_uncached(bencher: Bencher<'_, '_>, alg: &str) {
    let fixture = Fixture::new(alg);
    bencher.bench(|| ready(fixture.uncached.validate(black_box(&fixture.token))).expect("valid"));
}

#[divan::bench(args = ALGORITHMS)]
fn validator_cached(bencher: Bencher<'_, '_>, alg: &str) {
    let fixture = Fixture::new(alg);
    ready(fixture.cached.validate(&fixture.token)).expect("valid");
    bencher.bench(|| ready(fixture.cached.validate(black_box(&fixture.token))).expect("valid"));
}
