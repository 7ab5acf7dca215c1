//! A crypto provider the application installed itself is kept: building a
//! validator never replaces it, and tokens verify with it.

use jsonwebtoken::crypto::CryptoProvider;
use scopeguard_crypto_backends::{
    OTHER_BACKEND, app, assert_invalid_token, assert_ok_for, forged, get_me, process_backend, token,
    validator,
};

#[tokio::test]
async fn a_provider_installed_by_the_application_is_kept() {
    CryptoProvider::install_default(OTHER_BACKEND.provider()).expect("the first provider of the process");
    let app = app(validator());
    let genuine = token("alice");

    assert_invalid_token(&get_me(app.clone(), &forged(&genuine, "mallory")).await);
    assert_ok_for(&get_me(app, &genuine).await, "alice");
    assert_eq!(process_backend(), OTHER_BACKEND);
}
