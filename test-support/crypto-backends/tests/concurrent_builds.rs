//! Validators built on many threads at once: one provider, scopeguard's,
//! is installed, and every validator verifies with it.

use scopeguard_crypto_backends::{
    SCOPEGUARD_BACKEND, app, assert_ok_for, get_me, process_backend, token, validator,
};

#[tokio::test]
async fn validators_built_on_many_threads_at_once_share_one_provider() {
    let validators = std::thread::scope(|threads| {
        let builds: Vec<_> = (0..8).map(|_| threads.spawn(validator)).collect();
        builds
            .into_iter()
            .map(|build| build.join().expect("no build panics"))
            .collect::<Vec<_>>()
    });
    for validator in validators {
        assert_ok_for(&get_me(app(validator), &token("alice")).await, "alice");
    }
    assert_eq!(process_backend(), SCOPEGUARD_BACKEND);
}
