//! SPEC §3.6 through every axum mechanism: the `AuthLayer` with
//! `RequireScope`, `Scoped<R>`, the macro, a `nest`ed router, `Principal`
//! (the shared case table runs on actix too).

#[path = "../../test-support/shared/dpop_cases.rs"]
mod dpop_cases;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use dpop_cases::{ALGS, Answer, CASES, Expect, Kit, ORIGIN, REALM};
use scopeguard_axum::dpop::{DpopConfig, DpopConfigBuilder, DpopMode, DpopNonces, MemoryReplayStore};
use scopeguard_axum::{
    AuthLayer, Authenticator, ChallengeConfig, Principal, RequireScope, Scoped, requires_scope, scope,
};
use tower::ServiceExt as _;

scope!(OrderItem = "order:item");

#[requires_scope("order:item")]
async fn macro_items() -> &'static str {
    "items"
}

/// One path per mechanism, each requiring `order:item`.
const PATHS: [&str; 4] = ["/layer/items", "/scoped/items", "/macro/items", "/nested/items"];

fn app(kit: &Kit, mode: DpopMode, configure: impl FnOnce(DpopConfigBuilder) -> DpopConfigBuilder) -> Router {
    let dpop = configure(DpopConfig::builder().mode(mode).public_origin(ORIGIN))
        .build()
        .expect("test fixture");
    let layer = AuthLayer::from(
        Authenticator::new(kit.issuer.validator())
            .challenge(
                ChallengeConfig::builder()
                    .realm(REALM)
                    .build()
                    .expect("test fixture"),
            )
            .dpop(dpop),
    );
    // The nested router has its own layer: it sees the path after `nest`
    // stripped `/nested`, and must still check `htu` against the original.
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
        .route(
            "/me",
            get(|principal: Principal| async move { principal.sub().unwrap_or_default().to_owned() }),
        )
        .layer(layer)
        .nest("/nested", nested)
}

async fn send(app: &Router, method: &str, path: &str, headers: &[(&'static str, String)]) -> Answer {
    let mut request = http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).expect("test fixture"))
        .await
        .expect("test fixture");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().expect("test fixture").to_owned())
    };
    let challenges = response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|value| value.to_str().expect("test fixture").to_owned())
        .collect();
    let (nonce, retry_after) = (header("dpop-nonce"), header("retry-after"));
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("test fixture");
    Answer {
        status,
        challenges,
        nonce,
        retry_after,
        body: String::from_utf8(body.to_vec()).expect("test fixture"),
    }
}

#[tokio::test]
async fn every_rule_of_the_case_table_holds_through_every_mechanism() {
    let kit = Kit::new();
    let app = app(&kit, DpopMode::Allowed, |config| config);
    for path in PATHS {
        for case in CASES {
            let headers = (case.request)(&kit, path);
            let answer = send(&app, "GET", path, &headers).await;
            case.expect.check(&format!("{} ({path})", case.name), &answer);
        }
    }
}

#[tokio::test]
async fn a_replayed_proof_is_refused() {
    let kit = Kit::new();
    let app = app(&kit, DpopMode::Allowed, |config| config);
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

#[tokio::test]
async fn the_verified_token_cache_never_skips_the_proof() {
    let kit = Kit::new();
    let app = app(&kit, DpopMode::Allowed, |config| config);
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

#[tokio::test]
async fn allowed_mode_challenges_a_request_without_credentials_both_ways() {
    let kit = Kit::new();
    let answer = send(
        &app(&kit, DpopMode::Allowed, |config| config),
        "GET",
        "/layer/items",
        &[],
    )
    .await;
    assert_eq!(answer.status, 401);
    assert_eq!(
        answer.challenges,
        [
            format!(r#"Bearer realm="{REALM}""#),
            format!(r#"DPoP algs="{ALGS}""#)
        ]
    );
}

#[tokio::test]
async fn required_mode_accepts_dpop_only() {
    let kit = Kit::new();
    let app = app(&kit, DpopMode::Required, |config| config);
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

#[tokio::test]
async fn off_mode_still_refuses_a_bound_token_as_bearer() {
    let kit = Kit::new();
    let app = app(&kit, DpopMode::Off, |config| config);
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
    let token = kit.bound_token();
    let dpop = [
        ("authorization", format!("DPoP {token}")),
        ("dpop", kit.proof("GET", "/layer/items", &token).sign()),
    ];
    let answer = send(&app, "GET", "/layer/items", &dpop).await;
    assert_eq!(answer.status, 401, "the DPoP scheme is no credentials when off");
    assert_eq!(answer.challenges, [format!(r#"Bearer realm="{REALM}""#)]);
}

#[tokio::test]
async fn a_proof_without_the_server_nonce_gets_one_and_the_retry_passes() {
    let kit = Kit::new();
    let nonces =
        DpopNonces::new(b"nonce secret shared by replicas", Duration::from_secs(300)).expect("test fixture");
    let app = app(&kit, DpopMode::Allowed, |config| config.nonces(nonces));
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
    let wrong = [
        ("authorization", format!("DPoP {token}")),
        (
            "dpop",
            kit.proof("GET", "/layer/items", &token).nonce("1.forged").sign(),
        ),
    ];
    assert_eq!(send(&app, "GET", "/layer/items", &wrong).await.status, 401);
    let retry = [
        ("authorization", format!("DPoP {token}")),
        (
            "dpop",
            kit.proof("GET", "/layer/items", &token).nonce(&nonce).sign(),
        ),
    ];
    let answer = send(&app, "GET", "/layer/items", &retry).await;
    Expect::Allowed.check("with nonce", &answer);
    assert_eq!(answer.nonce, None, "a current nonce needs no successor");
}

#[tokio::test]
async fn a_full_memory_store_fails_closed_with_503() {
    let kit = Kit::new();
    let app = app(&kit, DpopMode::Allowed, |config| {
        config.replay_store(MemoryReplayStore::new(1))
    });
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
    assert!(answer.body.contains("temporarily_unavailable"), "{answer:?}");
}

#[tokio::test]
async fn a_stale_nonce_is_accepted_once_more_and_the_success_carries_the_next() {
    let kit = Kit::new();
    let nonces = DpopNonces::new(b"nonce secret shared by replicas", Duration::from_secs(1)).expect("nonces");
    let app = app(&kit, DpopMode::Allowed, |config| config.nonces(nonces.clone()));
    let token = kit.bound_token();
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs()
    };
    // A nonce of the step before the current one.
    let stale = nonces.nonce_at(now() - 1);
    let headers = [
        ("authorization", format!("DPoP {token}")),
        (
            "dpop",
            kit.proof("GET", "/layer/items", &token).nonce(&stale).sign(),
        ),
    ];
    let answer = send(&app, "GET", "/layer/items", &headers).await;
    Expect::Allowed.check("previous step's nonce", &answer);
    let next = answer.nonce.expect("the success carries the next nonce");
    assert_ne!(next, stale);
    assert!(nonces.accepts(&next, now()));
}

#[tokio::test]
async fn forwarded_headers_count_only_from_a_trusted_proxy() {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;

    let kit = Kit::new();
    let proxy: SocketAddr = "10.0.0.1:4000".parse().expect("an address");
    let app = app(&kit, DpopMode::Allowed, |config| {
        config.trusted_proxies([proxy.ip()])
    });
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
        let mut request = http::Request::get("/layer/items")
            .header("authorization", format!("DPoP {token}"))
            .header("dpop", proof);
        request = if forwarded == "forwarded" {
            request.header("forwarded", "for=192.0.2.7;proto=https;host=public.example")
        } else {
            request
                .header("x-forwarded-proto", "https")
                .header("x-forwarded-host", "public.example")
        };
        let mut request = request.body(Body::empty()).expect("a request");
        let peer: SocketAddr = peer.parse().expect("an address");
        request.extensions_mut().insert(ConnectInfo(peer));
        let response = app.clone().oneshot(request).await.expect("an answer");
        let status = response.status().as_u16();
        let challenges = response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .map(|value| value.to_str().expect("ASCII").to_owned())
            .collect();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
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
