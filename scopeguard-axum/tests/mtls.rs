//! SPEC §3.7 through every axum mechanism: the `AuthLayer` with
//! `RequireScope`, `Scoped<R>`, the macro, a `nest`ed router (the shared
//! case table runs on actix too), and the certificate of the TLS
//! connection as a TLS-serving app records it.

#[path = "../../test-support/shared/mtls_cases.rs"]
mod mtls_cases;

use std::net::{IpAddr, SocketAddr};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::routing::get;
use mtls_cases::{
    Answer, CASES, CLIENT, Case, Expect, FORMATS, HEADER, Kit, ORIGIN, PROXY, REALM, XFCC_CASES,
};
use scopeguard_axum::core::request::PeerCertificate;
use scopeguard_axum::dpop::{DpopConfig, DpopMode};
use scopeguard_axum::mtls::{CertificateHeaderFormat, MtlsConfig};
use scopeguard_axum::{
    AuthLayer, Authenticator, ChallengeConfig, RequireScope, Scoped, requires_scope, scope,
};
use tower::ServiceExt as _;

scope!(OrderItem = "order:item");

#[requires_scope("order:item")]
async fn macro_items() -> &'static str {
    "items"
}

/// One path per mechanism, each requiring `order:item`.
const PATHS: [&str; 4] = ["/layer/items", "/scoped/items", "/macro/items", "/nested/items"];

fn app(kit: &Kit, mtls: MtlsConfig) -> Router {
    let dpop = DpopConfig::builder()
        .mode(DpopMode::Allowed)
        .public_origin(ORIGIN)
        .trusted_proxies(mtls_cases::trusted_proxies())
        .build()
        .expect("test fixture");
    let layer = AuthLayer::from(
        Authenticator::new(kit.dpop.issuer.validator())
            .challenge(
                ChallengeConfig::builder()
                    .realm(REALM)
                    .build()
                    .expect("test fixture"),
            )
            .dpop(dpop)
            .mtls(mtls),
    );
    let nested = Router::new()
        .route(
            "/items",
            get(|| async { "items" }).route_layer(RequireScope::new("order:item")),
        )
        .layer(layer.clone());
    Router::new()
        .route(
            "/layer/items",
            get(|| async { "items" }).route_layer(RequireScope::new("order:item")),
        )
        .route("/scoped/items", get(|_: Scoped<OrderItem>| async { "items" }))
        .route("/macro/items", get(macro_items))
        .layer(layer)
        .nest("/nested", nested)
}

async fn send(
    app: &Router,
    path: &str,
    peer: IpAddr,
    headers: &[(&'static str, String)],
    certificate: Option<&[u8]>,
) -> Answer {
    let mut request = http::Request::builder().uri(path);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let mut request = request.body(Body::empty()).expect("test fixture");
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::new(peer, 40_000)));
    if let Some(der) = certificate {
        request
            .extensions_mut()
            .insert(PeerCertificate::new(der.to_vec()));
    }
    let response = app.clone().oneshot(request).await.expect("test fixture");
    let challenges = response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|value| value.to_str().expect("test fixture").to_owned())
        .collect();
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("test fixture");
    Answer {
        status,
        challenges,
        nonce: None,
        retry_after: None,
        body: String::from_utf8(body.to_vec()).expect("test fixture"),
    }
}

async fn run(kit: &Kit, format: CertificateHeaderFormat, cases: &[Case]) {
    let app = app(kit, mtls_cases::mtls_config(format));
    for path in PATHS {
        for case in cases {
            let request = (case.request)(kit, format, path);
            let answer = send(&app, path, request.peer, &request.headers, None).await;
            case.expect
                .check(&format!("{} ({format}, {path})", case.name), &answer);
        }
    }
}

#[tokio::test]
async fn every_rule_of_the_case_table_holds_in_every_format_through_every_mechanism() {
    let kit = Kit::new();
    for format in FORMATS {
        run(&kit, format, CASES).await;
    }
}

#[tokio::test]
async fn xfcc_reads_the_nearest_hop() {
    run(&Kit::new(), CertificateHeaderFormat::Xfcc, XFCC_CASES).await;
}

#[tokio::test]
async fn a_token_the_validator_knows_is_still_checked_against_the_certificate() {
    let kit = Kit::new();
    let app = app(&kit, mtls_cases::mtls_config(CertificateHeaderFormat::Rfc9440));
    let token = kit.bound_token("order:item");
    let with = |certificate: &scopeguard_axum::test_util::TestCertificate| {
        vec![
            ("authorization", format!("Bearer {token}")),
            (HEADER, certificate.header_value(CertificateHeaderFormat::Rfc9440)),
        ]
    };
    for _ in 0..2 {
        let answer = send(&app, "/layer/items", PROXY, &with(&kit.certificate), None).await;
        Expect::Allowed.check("its certificate", &answer);
    }
    let answer = send(&app, "/layer/items", PROXY, &with(&kit.other), None).await;
    Expect::Bearer(
        401,
        "invalid_token",
        "the token is bound to another client certificate",
    )
    .check("known token, other certificate", &answer);
}

#[tokio::test]
async fn the_tls_connection_certificate_is_checked_when_the_app_serves_tls_itself() {
    let kit = Kit::new();
    let app = app(&kit, MtlsConfig::default());
    let token = kit.bound_token("order:item");
    let bearer = [("authorization", format!("Bearer {token}"))];
    let allowed = send(&app, "/layer/items", CLIENT, &bearer, Some(kit.certificate.der())).await;
    Expect::Allowed.check("its certificate", &allowed);
    let other = send(&app, "/scoped/items", CLIENT, &bearer, Some(kit.other.der())).await;
    Expect::Bearer(
        401,
        "invalid_token",
        "the token is bound to another client certificate",
    )
    .check("another certificate", &other);
    let none = send(&app, "/macro/items", CLIENT, &bearer, None).await;
    Expect::Bearer(
        401,
        "invalid_token",
        "the token is bound to a client certificate and none was presented",
    )
    .check("no certificate", &none);
}

#[tokio::test]
async fn a_trusted_proxys_own_tls_certificate_is_never_taken_for_the_clients() {
    let kit = Kit::new();
    let app = app(&kit, mtls_cases::mtls_config(CertificateHeaderFormat::Rfc9440));
    let bearer = [(
        "authorization",
        format!("Bearer {}", kit.bound_token("order:item")),
    )];
    // The proxy connects with the client's certificate (say, a shared one)
    // but writes no header: the header is the only source from a proxy.
    let answer = send(&app, "/layer/items", PROXY, &bearer, Some(kit.certificate.der())).await;
    Expect::Bearer(
        401,
        "invalid_token",
        "the token is bound to a client certificate and none was presented",
    )
    .check("proxy connection certificate", &answer);
    // From a client connecting directly, its TLS certificate counts.
    let direct = send(&app, "/layer/items", CLIENT, &bearer, Some(kit.certificate.der())).await;
    Expect::Allowed.check("direct client", &direct);
}

#[tokio::test]
async fn without_mtls_configured_a_certificate_bound_token_is_refused() {
    let kit = Kit::new();
    let app = Router::new()
        .route(
            "/items",
            get(|| async { "items" }).route_layer(RequireScope::new("order:item")),
        )
        .layer(AuthLayer::from(
            Authenticator::new(kit.dpop.issuer.validator()).challenge(
                ChallengeConfig::builder()
                    .realm(REALM)
                    .build()
                    .expect("test fixture"),
            ),
        ));
    let headers = [
        (
            "authorization",
            format!("Bearer {}", kit.bound_token("order:item")),
        ),
        (
            HEADER,
            kit.certificate.header_value(CertificateHeaderFormat::Rfc9440),
        ),
    ];
    let answer = send(&app, "/items", PROXY, &headers, Some(kit.certificate.der())).await;
    Expect::Bearer(
        401,
        "invalid_token",
        "the token is bound to a client certificate and none was presented",
    )
    .check("no mTLS configuration", &answer);
}
