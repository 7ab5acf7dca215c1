//! SPEC §3.7 and §7 from the outside: both conformance servers run as
//! child processes behind a pretend TLS-terminating proxy (the test, on
//! 127.0.0.1, named in `SCOPEGUARD_TRUSTED_PROXIES`), with each
//! `SCOPEGUARD_MTLS_CERT_FORMAT`, keys at a JWKS URL served here for the
//! in-memory test issuer. Every answer is the one named, byte for byte the
//! same from both servers.

#[allow(dead_code)] // shared with `conformance.rs`, which uses all of it
#[path = "conformance_support/server.rs"]
mod server;

use axum::Router;
use axum::routing::get;
use scopeguard_core::mtls::CertificateHeaderFormat;
use scopeguard_core::test_util::{TestCertificate, TestIssuer};
use server::{Answer, ConformanceServer};

const HEADER: &str = "x-client-cert";
const PATH: &str = "/orders/7/items";

/// The keys of `issuer`, served at `http://ADDR/jwks`.
async fn serve_jwks(issuer: &TestIssuer) -> String {
    let jwks = issuer.jwks_json();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("an address");
    let app = Router::new().route("/jwks", get(move || async move { jwks }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/jwks")
}

/// Both servers, reading `HEADER` in `format` from `proxies`.
async fn start(issuer: &TestIssuer, jwks_url: &str, format: &str, proxies: &str) -> [ConformanceServer; 2] {
    let env = [
        ("SCOPEGUARD_ISSUER", issuer.issuer()),
        ("SCOPEGUARD_AUDIENCE", issuer.audience()),
        ("SCOPEGUARD_JWKS_URL", jwks_url),
        ("SCOPEGUARD_MTLS_CERT_HEADER", HEADER),
        ("SCOPEGUARD_MTLS_CERT_FORMAT", format),
        ("SCOPEGUARD_TRUSTED_PROXIES", proxies),
    ];
    let (axum, actix) = tokio::join!(
        ConformanceServer::start("axum", env!("CARGO_BIN_EXE_conformance-axum"), &env),
        ConformanceServer::start("actix", env!("CARGO_BIN_EXE_conformance-actix"), &env),
    );
    [axum, actix]
}

/// Sends `headers` to both servers: their answers, checked equal.
async fn both(servers: &[ConformanceServer; 2], case: &str, headers: &[(&str, &str)]) -> Answer {
    let axum = servers[0].send_with("GET", PATH, headers).await;
    let actix = servers[1].send_with("GET", PATH, headers).await;
    assert_eq!(axum, actix, "{case}: the servers differ");
    axum
}

fn invalid_token(description: &str) -> String {
    format!(
        r#"Bearer realm="scopeguard", error="invalid_token", error_description="{description}", resource_metadata="http://SERVER/.well-known/oauth-protected-resource""#
    )
}

#[tokio::test]
async fn both_servers_check_certificate_bound_tokens_in_every_header_format() {
    let issuer = TestIssuer::new();
    let jwks_url = serve_jwks(&issuer).await;
    let certificate = TestCertificate::generate("client.test");
    let other = TestCertificate::generate("other.test");
    let bound = format!(
        "Bearer {}",
        issuer
            .token()
            .scopes("order:item")
            .certificate_bound(&certificate)
            .sign()
    );
    let unbound = format!("Bearer {}", issuer.token().scopes("order:item").sign());
    for format in [
        CertificateHeaderFormat::Rfc9440,
        CertificateHeaderFormat::Xfcc,
        CertificateHeaderFormat::PemUrlEncoded,
    ] {
        let servers = start(&issuer, &jwks_url, format.name(), "127.0.0.1").await;
        let own = certificate.header_value(format);
        let another = other.header_value(format);

        let answer = both(
            &servers,
            "its certificate",
            &[("authorization", &bound), (HEADER, &own)],
        )
        .await;
        assert_eq!(answer.status, 200, "{format}: {answer:?}");

        let answer = both(
            &servers,
            "another certificate",
            &[("authorization", &bound), (HEADER, &another)],
        )
        .await;
        assert_eq!(answer.status, 401, "{format}: {answer:?}");
        assert_eq!(
            answer.challenge.as_deref(),
            Some(invalid_token("the token is bound to another client certificate").as_str()),
            "{format}"
        );

        let answer = both(
            &servers,
            "malformed",
            &[("authorization", &bound), (HEADER, "%zz:")],
        )
        .await;
        assert_eq!(answer.status, 401, "{format}: {answer:?}");
        assert_eq!(
            answer.challenge.as_deref(),
            Some(invalid_token("the client certificate cannot be parsed").as_str()),
            "{format}"
        );

        let answer = both(&servers, "no certificate", &[("authorization", &bound)]).await;
        assert_eq!(answer.status, 401, "{format}: {answer:?}");

        let answer = both(
            &servers,
            "unbound",
            &[("authorization", &unbound), (HEADER, &another)],
        )
        .await;
        assert_eq!(answer.status, 200, "{format}: {answer:?}");
    }
}

#[tokio::test]
async fn a_certificate_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored() {
    let issuer = TestIssuer::new();
    let jwks_url = serve_jwks(&issuer).await;
    let certificate = TestCertificate::generate("client.test");
    let bound = format!(
        "Bearer {}",
        issuer
            .token()
            .scopes("order:item")
            .certificate_bound(&certificate)
            .sign()
    );
    let servers = start(&issuer, &jwks_url, "rfc9440", "10.0.0.1").await;
    let own = certificate.header_value(CertificateHeaderFormat::Rfc9440);
    let answer = both(
        &servers,
        "untrusted peer",
        &[("authorization", &bound), (HEADER, &own)],
    )
    .await;
    assert_eq!(answer.status, 401, "{answer:?}");
    assert_eq!(
        answer.challenge.as_deref(),
        Some(invalid_token("the token is bound to a client certificate and none was presented").as_str())
    );
}

#[tokio::test]
async fn a_bad_mtls_configuration_is_a_clear_error() {
    for program in [
        env!("CARGO_BIN_EXE_conformance-axum"),
        env!("CARGO_BIN_EXE_conformance-actix"),
    ] {
        let output = tokio::process::Command::new(program)
            .env("SCOPEGUARD_ADDR", "127.0.0.1:0")
            .env("SCOPEGUARD_ISSUER", "http://127.0.0.1:9")
            .env("SCOPEGUARD_AUDIENCE", "https://api.test")
            .env("SCOPEGUARD_JWKS_URL", "http://127.0.0.1:9/jwks")
            .env("SCOPEGUARD_MTLS_CERT_HEADER", HEADER)
            .env("SCOPEGUARD_MTLS_CERT_FORMAT", "der-hex")
            .env("SCOPEGUARD_TRUSTED_PROXIES", "10.0.0.1")
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(std::time::Duration::from_secs(10), output)
            .await
            .expect("a misconfigured server exits at once")
            .expect("the server runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{program}: {stderr}");
        assert!(stderr.contains("SCOPEGUARD_MTLS_CERT_FORMAT"), "{stderr}");
        assert!(
            stderr.contains("expected rfc9440, xfcc or pem-urlencoded"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}
