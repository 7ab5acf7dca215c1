//! Keys, claims and tokens shared by every variant.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{EncodingKey, Header};

pub const ISSUER: &str = "https://issuer.example";
pub const AUDIENCE: &str = "inventory-api";
pub const REQUIRED_SCOPE: &str = "inventory:price.write";
pub const SCOPE: &str = "openid profile order:item inventory:price.write report:read";
pub const PATH: &str = "/price";

pub const ALGS: [&str; 4] = ["HS256", "RS256", "ES256", "EdDSA"];

/// The committed keys (bench/keys, generated once with openssl).
pub mod keys {
    pub const RSA_PRIVATE: &[u8] = include_bytes!("../keys/rsa_private.pem");
    pub const RSA_PUBLIC: &[u8] = include_bytes!("../keys/rsa_public.pem");
    pub const P256_PRIVATE: &[u8] = include_bytes!("../keys/ec_p256_private.pem");
    pub const P256_PUBLIC: &[u8] = include_bytes!("../keys/ec_p256_public.pem");
    pub const ED25519_PRIVATE: &[u8] = include_bytes!("../keys/ed25519_private.pem");
    pub const ED25519_PUBLIC: &[u8] = include_bytes!("../keys/ed25519_public.pem");
    pub const HMAC_SECRET: &[u8] = include_bytes!("../keys/hmac_secret.txt");
    pub const JWKS_HS256: &str = include_str!("../keys/jwks_HS256.json");
    pub const JWKS_RS256: &str = include_str!("../keys/jwks_RS256.json");
    pub const JWKS_ES256: &str = include_str!("../keys/jwks_ES256.json");
    pub const JWKS_EDDSA: &str = include_str!("../keys/jwks_EdDSA.json");
}

pub fn jwks(alg: &str) -> &'static str {
    match alg {
        "HS256" => keys::JWKS_HS256,
        "RS256" => keys::JWKS_RS256,
        "ES256" => keys::JWKS_ES256,
        "EdDSA" => keys::JWKS_EDDSA,
        _ => panic!("unknown algorithm {alg}"),
    }
}

pub fn kid(alg: &str) -> &'static str {
    match alg {
        "HS256" => "hs",
        "RS256" => "rs",
        "ES256" => "es",
        "EdDSA" => "ed",
        _ => panic!("unknown algorithm {alg}"),
    }
}

pub fn jwt_alg(alg: &str) -> jsonwebtoken::Algorithm {
    match alg {
        "HS256" => jsonwebtoken::Algorithm::HS256,
        "RS256" => jsonwebtoken::Algorithm::RS256,
        "ES256" => jsonwebtoken::Algorithm::ES256,
        "EdDSA" => jsonwebtoken::Algorithm::EdDSA,
        _ => panic!("unknown algorithm {alg}"),
    }
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs()
}

/// A typical access token's claims (RFC 9068 and OIDC `nbf`/`acr`), with
/// two application claims (`tid`, `plan`): with the RS256 header and
/// signature the reused token is 795 bytes, five scopes.
#[derive(serde::Serialize)]
struct MintClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: u64,
    iat: u64,
    nbf: u64,
    auth_time: u64,
    acr: &'a str,
    client_id: &'a str,
    jti: String,
    scope: &'a str,
    tid: &'a str,
    plan: &'a str,
}

fn encoding_key(alg: &str) -> EncodingKey {
    match alg {
        "HS256" => EncodingKey::from_secret(keys::HMAC_SECRET),
        "RS256" => EncodingKey::from_rsa_pem(keys::RSA_PRIVATE).expect("RSA key"),
        "ES256" => EncodingKey::from_ec_pem(keys::P256_PRIVATE).expect("EC key"),
        "EdDSA" => EncodingKey::from_ed_pem(keys::ED25519_PRIVATE).expect("Ed key"),
        _ => panic!("unknown algorithm {alg}"),
    }
}

fn mint_one(alg: &str, key: &EncodingKey, jti: String, issued: u64, exp: u64) -> String {
    mint_with(alg, key, jti, issued, exp, ISSUER, AUDIENCE, SCOPE)
}

#[allow(clippy::too_many_arguments)]
fn mint_with(alg: &str, key: &EncodingKey, jti: String, issued: u64, exp: u64, iss: &str, aud: &str, scope: &str) -> String {
    let mut header = Header::new(jwt_alg(alg));
    header.typ = Some("at+jwt".into());
    header.kid = Some(kid(alg).into());
    let claims = MintClaims {
        iss,
        sub: "248289761001",
        aud,
        exp,
        iat: issued,
        nbf: issued,
        auth_time: issued - 60,
        acr: "1",
        client_id: "s6BhdRkqt3",
        jti,
        scope,
        tid: "acme",
        plan: "pro",
    };
    jsonwebtoken::encode(&header, &claims, key).expect("signing")
}

/// Tokens every variant must refuse, by name; and one it must accept.
pub fn check_tokens(alg: &str) -> Vec<(&'static str, Option<String>)> {
    let key = encoding_key(alg);
    let t = now();
    let valid = mint_one(alg, &key, "check".into(), t, t + 600);
    let mut tampered = valid.clone().into_bytes();
    let n = tampered.len();
    tampered[n - 3] = if tampered[n - 3] == b'A' { b'B' } else { b'A' };
    vec![
        ("valid (must be 200)", Some(valid)),
        ("no token", None),
        ("scope missing", Some(mint_with(alg, &key, "c1".into(), t, t + 600, ISSUER, AUDIENCE, "openid inventory:price"))),
        ("wrong aud", Some(mint_with(alg, &key, "c2".into(), t, t + 600, ISSUER, "other-api", SCOPE))),
        ("wrong iss", Some(mint_with(alg, &key, "c3".into(), t, t + 600, "https://evil.example", AUDIENCE, SCOPE))),
        ("expired", Some(mint_with(alg, &key, "c4".into(), t - 7200, t - 3600, ISSUER, AUDIENCE, SCOPE))),
        ("bad signature", Some(String::from_utf8(tampered).expect("ascii"))),
    ]
}

/// Tokens of one algorithm: one reused token and a pool of distinct ones.
pub struct Tokens {
    pub reused: String,
    pub pool: Vec<String>,
}

/// Where the minted tokens live (bench/target/tokens, not committed).
pub fn tokens_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("tokens")
}

// `.v2`: the claims set with `nbf`, `acr`, `tid` and `plan`; pools minted
// with the earlier, shorter claims are not reused.
pub fn tokens_file(alg: &str) -> PathBuf {
    tokens_dir().join(format!("{alg}.v2.txt"))
}

pub fn pool_file(alg: &str) -> PathBuf {
    tokens_dir().join(format!("{alg}.v2.pool"))
}

/// Capacity of scopeguard's verified-token cache, in entries of this size
/// (scopeguard-core/src/validation/jwt/token_cache.rs: bounded by bytes, an entry
/// weighs its token + its claims JSON + 256).
pub fn cache_capacity(token: &str) -> usize {
    let payload = token.split('.').nth(1).expect("payload");
    let claims_len = payload.len() * 3 / 4;
    let weight = token.len() + claims_len + 256;
    (scopeguard_core::DEFAULT_TOKEN_CACHE_BYTES as usize) / weight
}

/// Mints (or reuses, while valid for another 6 h) the tokens of `alg`:
/// file line 1 = `exp`, line 2 = the reused token, then the pool, three times
/// the cache's capacity.
pub fn ensure_tokens(alg: &str) {
    let file = tokens_file(alg);
    if let Ok(text) = std::fs::read_to_string(&file) {
        let exp: u64 = text.lines().next().and_then(|l| l.parse().ok()).unwrap_or(0);
        if exp > now() + 6 * 3600 {
            return;
        }
    }
    std::fs::create_dir_all(tokens_dir()).expect("tokens dir");
    let issued = now();
    let exp = issued + 3 * 24 * 3600;
    let key = encoding_key(alg);
    let reused = mint_one(alg, &key, "7e57ab1e".into(), issued, exp);
    let pool_size = 3 * cache_capacity(&reused);
    let started = std::time::Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunks: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let key = &key;
                scope.spawn(move || {
                    (t..pool_size)
                        .step_by(threads)
                        .map(|i| mint_one(alg, key, format!("{i:08x}"), issued, exp))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("minting")).collect()
    });
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).expect("tokens file"));
    let mut pool_out = std::io::BufWriter::new(std::fs::File::create(pool_file(alg)).expect("pool file"));
    writeln!(out, "{exp}").unwrap();
    writeln!(out, "{reused}").unwrap();
    for chunk in &chunks {
        for token in chunk {
            writeln!(out, "{token}").unwrap();
            writeln!(pool_out, "{token}").unwrap();
        }
    }
    out.flush().unwrap();
    pool_out.flush().unwrap();
    eprintln!(
        "minted {pool_size} {alg} tokens (reused token {} bytes, {} scopes; cache capacity ~{} entries) in {:.1?}",
        reused.len(),
        SCOPE.split(' ').count(),
        cache_capacity(&reused),
        started.elapsed()
    );
}

/// Loads the reused token and at most `limit` tokens of the pool.
pub fn load_tokens(alg: &str, limit: usize) -> Tokens {
    let text = std::fs::read_to_string(tokens_file(alg)).expect("run `bench mint` first");
    let mut lines = text.lines().skip(1);
    let reused = lines.next().expect("reused token").to_owned();
    let pool = lines.take(limit).map(str::to_owned).collect();
    Tokens { reused, pool }
}
