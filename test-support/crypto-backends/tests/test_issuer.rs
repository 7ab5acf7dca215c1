//! The in-memory `TestIssuer` (feature `test-util`) in an application whose
//! other crates enable jsonwebtoken's other crypto backend: it generates its
//! key, mints tokens, and its validator checks them, with no panic.

use scopeguard_axum::test_util::TestIssuer;
use scopeguard_crypto_backends::{
    SCOPEGUARD_BACKEND, app, assert_invalid_token, assert_ok_for, forged, get_me, process_backend,
};

#[tokio::test]
async fn a_test_issuer_mints_and_verifies_without_a_panic() {
    let issuer = TestIssuer::new();
    let genuine = issuer.token().sub("alice").sign();
    let app = app(issuer.validator());

    assert_invalid_token(&get_me(app.clone(), &forged(&genuine, "mallory")).await);
    assert_ok_for(&get_me(app, &genuine).await, "alice");
    assert_eq!(process_backend(), SCOPEGUARD_BACKEND);
}
