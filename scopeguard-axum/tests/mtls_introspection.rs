//! mTLS with introspected (opaque) tokens (SPEC §3.5, §3.7): the binding
//! comes from the introspection answer's `cnf.x5t#S256`, checked on every
//! request even when the answer is cached.

#[path = "../../test-support/shared/introspection_server.rs"]
mod introspection_server;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::routing::get;
use introspection_server::{IntrospectionServer, active};
use scopeguard_axum::mtls::{CertificateHeaderFormat, MtlsConfig};
use scopeguard_axum::test_util::TestCertificate;
use scopeguard_axum::{AuthLayer, Authenticator, RequireScope};
use serde_json::json;
use tower::ServiceExt as _;

const PROXY: &str = "10.0.0.1:40000";

async fn status(app: &Router, token: &str, certificate: Option<&TestCertificate>) -> (u16, String) {
    let mut request = http::Request::get("/items").header("authorization", format!("Bearer {token}"));
    if let Some(certificate) = certificate {
        request = request.header(
            "x-forwarded-client-cert",
            certificate.header_value(CertificateHeaderFormat::Xfcc),
        );
    }
    let mut request = request.body(Body::empty()).expect("a request");
    let proxy: SocketAddr = PROXY.parse().expect("an address");
    request.extensions_mut().insert(ConnectInfo(proxy));
    let response = app.clone().oneshot(request).await.expect("an answer");
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    (status, String::from_utf8(body.to_vec()).expect("UTF-8"))
}

#[tokio::test]
async fn introspected_tokens_are_bound_by_their_cnf_member() {
    let certificate = TestCertificate::generate("client.test");
    let other = TestCertificate::generate("other.test");
    let server = IntrospectionServer::start().await;
    server.reply(
        "opaque-bound",
        active(json!({"cnf": {"x5t#S256": certificate.thumbprint()}})),
    );
    server.reply("opaque-unbound", active(json!({})));
    let proxy: SocketAddr = PROXY.parse().expect("an address");
    let mtls = MtlsConfig::builder()
        .certificate_header("x-forwarded-client-cert", CertificateHeaderFormat::Xfcc)
        .trusted_proxies([proxy.ip()])
        .build()
        .expect("mTLS settings");
    let app = Router::new()
        .route(
            "/items",
            get(|| async { "items" }).route_layer(RequireScope::new("order:item")),
        )
        .layer(AuthLayer::from(Authenticator::new(server.validator()).mtls(mtls)));

    assert_eq!(status(&app, "opaque-bound", Some(&certificate)).await.0, 200);
    let (code, body) = status(&app, "opaque-bound", Some(&other)).await;
    assert_eq!(code, 401, "a cached answer, another certificate: {body}");
    assert!(
        body.contains("the token is bound to another client certificate"),
        "{body}"
    );
    let (code, body) = status(&app, "opaque-bound", None).await;
    assert_eq!(code, 401, "no certificate: {body}");
    assert!(body.contains("invalid_token"), "{body}");
    assert_eq!(
        server.calls("opaque-bound"),
        1,
        "the answer is cached, the certificate is not"
    );
    assert_eq!(
        status(&app, "opaque-unbound", None).await.0,
        200,
        "unbound: unaffected"
    );
}
