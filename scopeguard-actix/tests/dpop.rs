//! SPEC §3.6 through every actix-web mechanism: `AuthMiddleware` with
//! `RequireScope`, `Scoped<R>`, the macro, `ScopeGuard`, `Principal` (the
//! shared case table runs on axum too).

#[path = "../../test-support/shared/dpop_cases.rs"]
mod dpop_cases;

use std::time::Duration;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::{App, test, web};
use dpop_cases::{ALGS, Answer, CASES, Expect, Kit, ORIGIN, REALM};
use scopeguard_actix::dpop::{DpopConfig, DpopConfigBuilder, DpopMode, DpopNonces, MemoryReplayStore};
use scopeguard_actix::{
    AuthMiddleware, Authenticator, ChallengeConfig, Principal, RequireScope, ScopeGuard, Scoped,
    requires_scope, scope,
};

scope!(OrderItem = "order:item");

#[requires_scope("order:item")]
async fn macro_items() -> &'static str {
    "items"
}

/// One path per mechanism, each requiring `order:item`.
const PATHS: [&str; 5] = [
    "/layer/items",
    "/scoped/items",
    "/macro/items",
    "/guard/items",
    "/me",
];

macro_rules! app {
    ($kit:expr, $mode:expr, $configure:expr) => {{
        let configure: fn(DpopConfigBuilder) -> DpopConfigBuilder = $configure;
        let dpop = configure(DpopConfig::builder().mode($mode).public_origin(ORIGIN))
            .build()
            .expect("test fixture");
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
                .route(
                    "/me",
                    web::get().to(|principal: Principal| async move {
                        if principal.scopes().to_string().contains("order:item") {
                            actix_web::HttpResponse::Ok().body("me")
                        } else {
                            actix_web::HttpResponse::Forbidden().finish()
                        }
                    }),
                )
                .wrap(AuthMiddleware::from(
                    Authenticator::new($kit.issuer.validator())
                        .challenge(
                            ChallengeConfig::builder()
                                .realm(REALM)
                                .build()
                                .expect("test fixture"),
                        )
                        .dpop(dpop),
                )),
        )
        .await
    }};
}

async fn send<S, B>(app: &S, method: &str, path: &str, headers: &[(&'static str, String)]) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    let mut request = test::TestRequest::default()
        .method(method.parse().expect("test fixture"))
        .uri(path);
    for (name, value) in headers {
        request = request.append_header((*name, value.as_str()));
    }
    let response = test::call_service(app, request.to_request()).await;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().expect("test fixture").to_owned())
    };
    let challenges = response
        .headers()
        .get_all("www-authenticate")
        .map(|value| value.to_str().expect("test fixture").to_owned())
        .collect();
    let (nonce, retry_after) = (header("dpop-nonce"), header("retry-after"));
    let status = response.status().as_u16();
    let body = test::read_body(response).await;
    Answer {
        status,
        challenges,
        nonce,
        retry_after,
        body: String::from_utf8(body.to_vec()).expect("test fixture"),
    }
}

#[actix_web::test]
async fn every_rule_of_the_case_table_holds_through_every_mechanism() {
    let kit = Kit::new();
    let app = app!(kit, DpopMode::Allowed, |config| config);
    for path in PATHS {
        for case in CASES {
            let headers = (case.request)(&kit, path);
            let answer = send(&app, "GET", path, &headers).await;
            let name = format!("{} ({path})", case.name);
            match (path, case.expect) {
                // A guard that does not match selects no route, and the
                // `Principal` route checks no scope.
                ("/guard/items", Expect::DpopInsufficientScope) => assert_eq!(answer.status, 404, "{name}"),
                ("/me", Expect::DpopInsufficientScope) => assert_eq!(answer.status, 403, "{name}"),
                (_, expect) => expect.check(&name, &answer),
            }
        }
    }
}

#[actix_web::test]
async fn a_replayed_proof_is_refused() {
    let kit = Kit::new();
    let app = app!(kit, DpopMode::Allowed, |config| config);
    for path in PATHS {
        let token = kit.bound_token();
        let headers = [
            ("authorization", format!("DPoP {token}")),
            ("dpop", kit.proof("GET", path, &token).sign()),
        ];
        Expect::Allowed.check("first use", &send(&app, "GET", path, &headers).await);
        Expect::Dpop(401, "invalid_dpop_proof", "the DPoP proof was already used")
            .check("second use", &send(&app, "GET", path, &headers).await);
    }
}

#[actix_web::test]
async fn the_verified_token_cache_never_skips_the_proof() {
    let kit = Kit::new();
    let app = app!(kit, DpopMode::Allowed, |config| config);
    let token = kit.bound_token();
    for _ in 0..2 {
        let headers = [
            ("authorization", format!("DPoP {token}")),
            ("dpop", kit.proof("GET", "/me", &token).sign()),
        ];
        Expect::Allowed.check("fresh proof", &send(&app, "GET", "/me", &headers).await);
    }
    let forged = kit.proof("GET", "/me", &token).signed_by(&kit.other_key).sign();
    let headers = [("authorization", format!("DPoP {token}")), ("dpop", forged)];
    Expect::Dpop(401, "invalid_dpop_proof", "the DPoP proof's signature is invalid").check(
        "known token, forged proof",
        &send(&app, "GET", "/me", &headers).await,
    );
}

#[actix_web::test]
async fn allowed_mode_challenges_a_request_without_credentials_both_ways() {
    let kit = Kit::new();
    let app = app!(kit, DpopMode::Allowed, |config| config);
    let answer = send(&app, "GET", "/layer/items", &[]).await;
    assert_eq!(answer.status, 401);
    assert_eq!(
        answer.challenges,
        [
            format!(r#"Bearer realm="{REALM}""#),
            format!(r#"DPoP algs="{ALGS}""#)
        ]
    );
}

#[actix_web::test]
async fn required_mode_accepts_dpop_only() {
    let kit = Kit::new();
    let app = app!(kit, DpopMode::Required, |config| config);
    let anonymous = send(&app, "GET", "/layer/items", &[]).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.challenges, [format!(r#"DPoP algs="{ALGS}""#)]);
    let unbound = kit.issuer.token().scopes("order:item").sign();
    let bearer = [("authorization", format!("Bearer {unbound}"))];
    Expect::Dpop(
        401,
        "invalid_token",
        "this resource accepts DPoP-bound tokens only",
    )
    .check(
        "bearer in required mode",
        &send(&app, "GET", "/layer/items", &bearer).await,
    );
    let token = kit.bound_token();
    let headers = [
        ("authorization", format!("DPoP {token}")),
        ("dpop", kit.proof("GET", "/layer/items", &token).sign()),
    ];
    Expect::Allowed.check(
        "dpop in required mode",
        &send(&app, "GET", "/layer/items", &headers).await,
    );
}

#[actix_web::test]
async fn off_mode_still_refuses_a_bound_token_as_bearer() {
    let kit = Kit::new();
    let app = app!(kit, DpopMode::Off, |config| config);
    let bearer = [("authorization", format!("Bearer {}", kit.bound_token()))];
    Expect::Bearer(
        401,
        "invalid_token",
        "the token is bound to a key and must be sent with the DPoP scheme",
    )
    .check(
        "bound token as bearer, dpop off",
        &send(&app, "GET", "/layer/items", &bearer).await,
    );
    let unbound = [(
        "authorization",
        format!("Bearer {}", kit.issuer.token().scopes("order:item").sign()),
    )];
    Expect::Allowed.check(
        "bearer, dpop off",
        &send(&app, "GET", "/layer/items", &unbound).await,
    );
}

#[actix_web::test]
async fn a_proof_without_the_server_nonce_gets_one_and_the_retry_passes() {
    let kit = Kit::new();
    let app = app!(kit, DpopMode::Allowed, |config| config.nonces(
        DpopNonces::new(b"nonce secret shared by replicas", Duration::from_secs(300)).expect("test fixture")
    ));
    let token = kit.bound_token();
    let first = [
        ("authorization", format!("DPoP {token}")),
        ("dpop", kit.proof("GET", "/layer/items", &token).sign()),
    ];
    let answer = send(&app, "GET", "/layer/items", &first).await;
    Expect::Dpop(
        401,
        "use_dpop_nonce",
        "the DPoP proof must carry the server's current nonce",
    )
    .check("no nonce", &answer);
    let nonce = answer.nonce.expect("a DPoP-Nonce header");
    let retry = [
        ("authorization", format!("DPoP {token}")),
        (
            "dpop",
            kit.proof("GET", "/layer/items", &token).nonce(&nonce).sign(),
        ),
    ];
    Expect::Allowed.check("with nonce", &send(&app, "GET", "/layer/items", &retry).await);
}

#[actix_web::test]
async fn a_full_memory_store_fails_closed_with_503() {
    let kit = Kit::new();
    let app = app!(kit, DpopMode::Allowed, |config| config
        .replay_store(MemoryReplayStore::new(1)));
    let token = kit.bound_token();
    let request = || {
        [
            ("authorization", format!("DPoP {token}")),
            ("dpop", kit.proof("GET", "/layer/items", &token).sign()),
        ]
    };
    Expect::Allowed.check(
        "first proof",
        &send(&app, "GET", "/layer/items", &request()).await,
    );
    let answer = send(&app, "GET", "/layer/items", &request()).await;
    assert_eq!(answer.status, 503, "{answer:?}");
    assert!(answer.retry_after.is_some(), "{answer:?}");
    assert!(answer.challenges.is_empty());
}

#[actix_web::test]
async fn forwarded_headers_count_only_from_a_trusted_proxy() {
    let kit = Kit::new();
    let app = app!(kit, DpopMode::Allowed, |config| config
        .trusted_proxies(["10.0.0.1".parse().expect("an IP address")]));
    for (peer, forwarded, expect) in [
        ("10.0.0.1:4000", "x-forwarded", Expect::Allowed),
        ("10.0.0.1:4000", "forwarded", Expect::Allowed),
        (
            "10.0.0.2:4000",
            "x-forwarded",
            Expect::Dpop(
                401,
                "invalid_dpop_proof",
                "the DPoP proof's htu does not match the request URI",
            ),
        ),
        (
            "10.0.0.2:4000",
            "forwarded",
            Expect::Dpop(
                401,
                "invalid_dpop_proof",
                "the DPoP proof's htu does not match the request URI",
            ),
        ),
    ] {
        let token = kit.bound_token();
        let proof = kit
            .key
            .proof("GET", "https://public.example/layer/items", &token)
            .sign();
        let mut request = test::TestRequest::get()
            .uri("/layer/items")
            .peer_addr(peer.parse().expect("an address"))
            .insert_header(("authorization", format!("DPoP {token}")))
            .insert_header(("dpop", proof));
        request = if forwarded == "forwarded" {
            request.insert_header(("forwarded", "for=192.0.2.7;proto=https;host=public.example"))
        } else {
            request
                .insert_header(("x-forwarded-proto", "https"))
                .insert_header(("x-forwarded-host", "public.example"))
        };
        let response = test::call_service(&app, request.to_request()).await;
        let status = response.status().as_u16();
        let challenges = response
            .headers()
            .get_all("www-authenticate")
            .map(|value| value.to_str().expect("ASCII").to_owned())
            .collect();
        let body = test::read_body(response).await;
        let answer = Answer {
            status,
            challenges,
            nonce: None,
            retry_after: None,
            body: String::from_utf8(body.to_vec()).expect("UTF-8"),
        };
        expect.check(&format!("{forwarded} from {peer}"), &answer);
    }
}
