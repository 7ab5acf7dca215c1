//! SPEC §3.7 through every actix-web mechanism: `AuthMiddleware` with
//! `RequireScope`, `Scoped<R>`, the macro, `ScopeGuard` (the shared case
//! table runs on axum too).

#[path = "../../test-support/shared/mtls_cases.rs"]
mod mtls_cases;

use std::net::{IpAddr, SocketAddr};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, test, web};
use mtls_cases::{Answer, CASES, Case, Expect, FORMATS, HEADER, Kit, ORIGIN, PROXY, REALM, XFCC_CASES};
use scopeguard_actix::dpop::{DpopConfig, DpopMode};
use scopeguard_actix::mtls::{CertificateHeaderFormat, MtlsConfig};
use scopeguard_actix::{
    AuthMiddleware, Authenticator, ChallengeConfig, RequireScope, ScopeGuard, Scoped, requires_scope, scope,
};

scope!(OrderItem = "order:item");

#[requires_scope("order:item")]
async fn macro_items() -> &'static str {
    "items"
}

/// One path per mechanism, each requiring `order:item`.
const PATHS: [&str; 4] = ["/layer/items", "/scoped/items", "/macro/items", "/guard/items"];

fn authenticator(kit: &Kit, mtls: MtlsConfig) -> AuthMiddleware<scopeguard_actix::JwtValidator> {
    let dpop = DpopConfig::builder()
        .mode(DpopMode::Allowed)
        .public_origin(ORIGIN)
        .trusted_proxies(mtls_cases::trusted_proxies())
        .build()
        .expect("test fixture");
    AuthMiddleware::from(
        Authenticator::new(kit.dpop.issuer.validator())
            .challenge(
                ChallengeConfig::builder()
                    .realm(REALM)
                    .build()
                    .expect("test fixture"),
            )
            .dpop(dpop)
            .mtls(mtls),
    )
}

macro_rules! app {
    ($kit:expr, $mtls:expr) => {
        test::init_service(
            App::new()
                .service(
                    web::resource("/layer/items")
                        .wrap(RequireScope::new("order:item"))
                        .route(web::get().to(|| async { "items" })),
                )
                .route(
                    "/scoped/items",
                    web::get().to(|_: Scoped<OrderItem>| async { "items" }),
                )
                .route("/macro/items", web::get().to(macro_items))
                .route(
                    "/guard/items",
                    web::get()
                        .guard(ScopeGuard::new("order:item"))
                        .to(|| async { "items" }),
                )
                .wrap(authenticator($kit, $mtls)),
        )
        .await
    };
}

async fn send<S, B>(app: &S, path: &str, peer: IpAddr, headers: &[(&'static str, String)]) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let mut request = test::TestRequest::get()
        .uri(path)
        .peer_addr(SocketAddr::new(peer, 40_000));
    for (name, value) in headers {
        request = request.append_header((*name, value.as_str()));
    }
    let response = test::call_service(app, request.to_request()).await;
    let challenges = response
        .headers()
        .get_all("www-authenticate")
        .map(|value| value.to_str().expect("test fixture").to_owned())
        .collect();
    let status = response.status().as_u16();
    let body = test::read_body(response).await;
    Answer {
        status,
        challenges,
        nonce: None,
        retry_after: None,
        body: String::from_utf8(body.to_vec()).expect("test fixture"),
    }
}

async fn run(kit: &Kit, format: CertificateHeaderFormat, cases: &[Case]) {
    let app = app!(kit, mtls_cases::mtls_config(format));
    for path in PATHS {
        for case in cases {
            if path == "/guard/items" && matches!(case.expect, Expect::BearerInsufficientScope) {
                // A guard that does not fit leaves the route unmatched: 404.
                continue;
            }
            let request = (case.request)(kit, format, path);
            let answer = send(&app, path, request.peer, &request.headers).await;
            case.expect
                .check(&format!("{} ({format}, {path})", case.name), &answer);
        }
    }
}

#[actix_web::test]
async fn every_rule_of_the_case_table_holds_in_every_format_through_every_mechanism() {
    let kit = Kit::new();
    for format in FORMATS {
        run(&kit, format, CASES).await;
    }
}

#[actix_web::test]
async fn xfcc_reads_the_nearest_hop() {
    run(&Kit::new(), CertificateHeaderFormat::Xfcc, XFCC_CASES).await;
}

#[actix_web::test]
async fn a_token_the_validator_knows_is_still_checked_against_the_certificate() {
    let kit = Kit::new();
    let app = app!(
        &kit,
        mtls_cases::mtls_config(CertificateHeaderFormat::PemUrlEncoded)
    );
    let token = kit.bound_token("order:item");
    let with = |certificate: &scopeguard_actix::test_util::TestCertificate| {
        vec![
            ("authorization", format!("Bearer {token}")),
            (
                HEADER,
                certificate.header_value(CertificateHeaderFormat::PemUrlEncoded),
            ),
        ]
    };
    for _ in 0..2 {
        let answer = send(&app, "/layer/items", PROXY, &with(&kit.certificate)).await;
        Expect::Allowed.check("its certificate", &answer);
    }
    let answer = send(&app, "/layer/items", PROXY, &with(&kit.other)).await;
    Expect::Bearer(
        401,
        "invalid_token",
        "the token is bound to another client certificate",
    )
    .check("known token, other certificate", &answer);
}
