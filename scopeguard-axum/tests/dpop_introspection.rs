//! DPoP with introspected (opaque) tokens (SPEC §3.5, §3.6): the binding
//! comes from the introspection answer's `cnf.jkt`, and every check is the
//! same as for a JWT.

#[path = "../../test-support/shared/dpop_cases.rs"]
mod dpop_cases;
#[path = "../../test-support/shared/introspection_server.rs"]
mod introspection_server;

use axum::Router;
use axum::body::Body;
use axum::routing::get;
use dpop_cases::{Kit, ORIGIN};
use introspection_server::{IntrospectionServer, active};
use scopeguard_axum::dpop::{DpopConfig, DpopMode};
use scopeguard_axum::{AuthLayer, Authenticator, RequireScope};
use serde_json::json;
use tower::ServiceExt as _;

async fn status(app: &Router, headers: &[(&str, String)]) -> (u16, String) {
    let mut request = http::Request::get("/items");
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).expect("a request"))
        .await
        .expect("an answer");
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    (status, String::from_utf8(body.to_vec()).expect("UTF-8"))
}

#[tokio::test]
async fn introspected_tokens_are_bound_by_their_cnf_member() {
    let kit = Kit::new();
    let server = IntrospectionServer::start().await;
    server.reply(
        "opaque-bound",
        active(json!({"cnf": {"jkt": kit.key.thumbprint()}})),
    );
    server.reply("opaque-unbound", active(json!({})));
    let dpop = DpopConfig::builder()
        .mode(DpopMode::Allowed)
        .public_origin(ORIGIN)
        .build()
        .expect("DPoP settings");
    let app = Router::new()
        .route(
            "/items",
            get(|| async { "items" }).route_layer(RequireScope::new("order:item")),
        )
        .layer(AuthLayer::from(Authenticator::new(server.validator()).dpop(dpop)));
    let with_proof = |token: &str| {
        vec![
            ("authorization", format!("DPoP {token}")),
            ("dpop", kit.proof("GET", "/items", token).sign()),
        ]
    };

    let first = with_proof("opaque-bound");
    assert_eq!(status(&app, &first).await.0, 200, "bound, matching proof");
    let (code, body) = status(&app, &first).await;
    assert_eq!(code, 401, "the same proof again");
    assert!(body.contains("invalid_dpop_proof"), "{body}");
    assert_eq!(
        status(&app, &with_proof("opaque-bound")).await.0,
        200,
        "a cached introspection answer, a fresh proof"
    );
    assert_eq!(
        server.calls("opaque-bound"),
        1,
        "the answer is cached, the proof is not"
    );

    let forged = vec![
        ("authorization", "DPoP opaque-bound".to_owned()),
        (
            "dpop",
            kit.proof("GET", "/items", "opaque-bound")
                .signed_by(&kit.other_key)
                .sign(),
        ),
    ];
    assert_eq!(
        status(&app, &forged).await.0,
        401,
        "a cached answer never skips the proof"
    );

    let (code, body) = status(&app, &[("authorization", "Bearer opaque-bound".to_owned())]).await;
    assert_eq!(code, 401, "a bound opaque token as Bearer");
    assert!(body.contains("bound to a key"), "{body}");

    let (code, body) = status(&app, &with_proof("opaque-unbound")).await;
    assert_eq!(code, 401, "an unbound opaque token with DPoP");
    assert!(body.contains("not bound to a key"), "{body}");
    assert_eq!(
        status(&app, &[("authorization", "Bearer opaque-unbound".to_owned())])
            .await
            .0,
        200,
        "an unbound opaque token as Bearer"
    );
}
