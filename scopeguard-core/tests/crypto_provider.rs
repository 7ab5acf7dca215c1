//! `install_crypto_provider` puts scopeguard's own crypto backend in place
//! as jsonwebtoken's process-wide provider: aws-lc-rs whenever the
//! `aws-lc-rs` feature is on (alone or next to `rust-crypto`), the RustCrypto
//! crates with `rust-crypto` alone. Repeated and concurrent calls keep it.
//!
//! The backend is told by what it does: the RustCrypto crates sign ECDSA
//! deterministically (RFC 6979), aws-lc-rs with a random nonce.

mod support;

use support::{Signer, claims};

#[derive(Debug, PartialEq, Eq)]
enum Backend {
    AwsLcRs,
    RustCrypto,
}

fn process_backend() -> Backend {
    let signer = Signer::p256();
    let claims = claims();
    if signer.sign(&claims) == signer.sign(&claims) {
        Backend::RustCrypto
    } else {
        Backend::AwsLcRs
    }
}

#[test]
fn the_backend_of_scopeguard_s_features_is_installed_once() {
    std::thread::scope(|threads| {
        for _ in 0..4 {
            threads.spawn(scopeguard_core::validation::jwt::install_crypto_provider);
        }
    });
    scopeguard_core::validation::jwt::install_crypto_provider();

    let expected = if cfg!(feature = "aws-lc-rs") {
        Backend::AwsLcRs
    } else {
        Backend::RustCrypto
    };
    assert_eq!(process_backend(), expected);
}
