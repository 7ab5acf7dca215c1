//! SPEC §3.7 over real TLS: `mtls-axum` and `mtls-actix` run as child
//! processes serving TLS, and a rustls client (reqwest) connects with a
//! client certificate. A certificate-bound token passes with its
//! certificate only; an unbound token passes with any or none.

use std::process::Stdio;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use scopeguard_core::test_util::{TestCertificate, TestIssuer};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};

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

/// `program` serving TLS with `server`'s certificate: the child and its
/// `https://ADDR`.
async fn start(
    program: &str,
    issuer: &TestIssuer,
    jwks_url: &str,
    server: &TestCertificate,
) -> (Child, String) {
    let dir = std::env::temp_dir().join(format!(
        "scopeguard-mtls-{}-{}",
        std::process::id(),
        server.thumbprint()
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let (cert, key) = (dir.join("server.pem"), dir.join("server-key.pem"));
    std::fs::write(&cert, server.pem()).expect("the certificate is written");
    std::fs::write(&key, server.private_key_pem()).expect("the key is written");
    let mut command = Command::new(program);
    for (variable, _) in std::env::vars().filter(|(variable, _)| variable.starts_with("SCOPEGUARD_")) {
        command.env_remove(variable);
    }
    let mut child = command
        .env("SCOPEGUARD_ADDR", "127.0.0.1:0")
        .env("SCOPEGUARD_ISSUER", issuer.issuer())
        .env("SCOPEGUARD_AUDIENCE", issuer.audience())
        .env("SCOPEGUARD_JWKS_URL", jwks_url)
        .env("SCOPEGUARD_TLS_CERT", &cert)
        .env("SCOPEGUARD_TLS_KEY", &key)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("{program} starts: {error}"));
    let stdout = child.stdout.take().expect("stdout is piped");
    let line = tokio::time::timeout(
        Duration::from_secs(30),
        BufReader::new(stdout).lines().next_line(),
    )
    .await
    .expect("ready in time")
    .expect("stdout is readable")
    .expect("a ready line");
    let addr = line
        .strip_prefix("listening on https://")
        .unwrap_or_else(|| panic!("a ready line, not {line:?}"));
    (child, format!("https://{addr}"))
}

/// A rustls client presenting `certificate`, if any. The server's
/// certificate is self-signed: the test is about the client's.
fn client(certificate: Option<&TestCertificate>) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .tls_danger_accept_invalid_certs(true);
    if let Some(certificate) = certificate {
        let pem = format!("{}{}", certificate.pem(), certificate.private_key_pem());
        builder = builder.identity(reqwest::Identity::from_pem(pem.as_bytes()).expect("an identity"));
    }
    builder.build().expect("a client")
}

async fn status(client: &reqwest::Client, base: &str, token: &str) -> (u16, String) {
    let response = client
        .get(format!("{base}{PATH}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("the server answers over TLS");
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|value| value.to_str().expect("ASCII").to_owned())
        .unwrap_or_default();
    (status, challenge)
}

#[tokio::test]
async fn a_certificate_bound_token_passes_with_its_tls_client_certificate_only() {
    let issuer = TestIssuer::new();
    let jwks_url = serve_jwks(&issuer).await;
    let server = TestCertificate::generate("localhost");
    let certificate = TestCertificate::generate("client.test");
    let other = TestCertificate::generate("other.test");
    let bound = issuer
        .token()
        .scopes("order:item")
        .certificate_bound(&certificate)
        .sign();
    let unbound = issuer.token().scopes("order:item").sign();
    for program in [env!("CARGO_BIN_EXE_mtls-axum"), env!("CARGO_BIN_EXE_mtls-actix")] {
        let (_child, base) = start(program, &issuer, &jwks_url, &server).await;
        let own = client(Some(&certificate));
        assert_eq!(
            status(&own, &base, &bound).await.0,
            200,
            "{program}: its certificate"
        );
        let (code, challenge) = status(&client(Some(&other)), &base, &bound).await;
        assert_eq!(code, 401, "{program}: another certificate");
        assert!(
            challenge.contains(r#"error_description="the token is bound to another client certificate""#),
            "{program}: {challenge}"
        );
        let (code, challenge) = status(&client(None), &base, &bound).await;
        assert_eq!(code, 401, "{program}: no certificate");
        assert!(challenge.contains("none was presented"), "{program}: {challenge}");
        assert_eq!(
            status(&client(None), &base, &unbound).await.0,
            200,
            "{program}: unbound, no certificate"
        );
        assert_eq!(
            status(&client(Some(&other)), &base, &unbound).await.0,
            200,
            "{program}: unbound, any certificate"
        );
    }
}
