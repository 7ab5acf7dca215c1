//! The whole `JwtValidator` on arbitrary input, with a fixed static key set
//! (the RSA, P-256, P-384 and Ed25519 keys of scopeguard-core's tests).
//!
//! The first byte chooses the shape: the raw bytes as a compact token, or
//! three NUL-separated parts (header JSON, claims JSON, signature bytes)
//! base64url-encoded by the harness so the fuzzer reaches the header and
//! claim checks. Properties: a token is accepted only if raw jsonwebtoken
//! verifies its signature with one of the fixed public keys, and only for
//! the configured issuer and audience, unexpired; every rejection is a 401;
//! the validator with the verified-token cache agrees with the one without,
//! on the first and on a repeated validation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scopeguard_fuzz::{b64, cached_validator, check_outcome, runtime, validator};

fuzz_target!(|data: &[u8]| {
    let Some((&shape, rest)) = data.split_first() else {
        return;
    };
    let token = if shape & 1 == 0 {
        match std::str::from_utf8(rest) {
            Ok(text) => text.to_owned(),
            Err(_) => return,
        }
    } else {
        let mut parts = rest.splitn(3, |&byte| byte == 0);
        let header = parts.next().unwrap_or_default();
        let claims = parts.next().unwrap_or_default();
        let signature = parts.next().unwrap_or_default();
        format!("{}.{}.{}", b64(header), b64(claims), b64(signature))
    };
    runtime().block_on(async {
        let outcome = validator().validate(&token).await;
        check_outcome(&token, &outcome);
        let label = |outcome: &Result<_, scopeguard_core::AuthError>| outcome.as_ref().err().map(|error| error.label());
        for _ in 0..2 {
            let cached = cached_validator().validate(&token).await;
            assert_eq!(label(&cached), label(&outcome), "the token cache changes the decision");
        }
    });
});
