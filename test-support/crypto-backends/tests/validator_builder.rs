//! A validator made by `JwtValidator::builder`, in an application whose
//! other crates enable jsonwebtoken's other crypto backend: tokens are
//! verified, forgeries refused, and nothing panics.

use scopeguard_crypto_backends::{
    SCOPEGUARD_BACKEND, app, assert_invalid_token, assert_ok_for, forged, get_me, process_backend, token,
    validator,
};

#[tokio::test]
async fn the_first_token_ever_checked_is_verified_without_a_panic() {
    let app = app(validator());
    let genuine = token("alice");

    // A forgery first: the very first signature check of the process.
    assert_invalid_token(&get_me(app.clone(), &forged(&genuine, "mallory")).await);
    assert_ok_for(&get_me(app, &genuine).await, "alice");

    assert_eq!(process_backend(), SCOPEGUARD_BACKEND);
}
