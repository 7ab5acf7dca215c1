//! SPEC §7's `conformance-tonic` from the outside: the binary runs as a
//! child process with the same `SCOPEGUARD_*` variables as the HTTP
//! servers, its keys at a JWKS URL served here for the in-memory test
//! issuer, and a real tonic client calls its four methods. Each denial is
//! a gRPC status (SPEC §5) with the §4 challenge as `www-authenticate`
//! metadata; the resource metadata stays HTTP on the same port.

#[allow(dead_code)] // shared with `conformance.rs`, which uses all of it
#[path = "conformance_support/server.rs"]
mod server;

use axum::Router;
use axum::routing::get;
use scopeguard_core::test_util::TestIssuer;
use scopeguard_examples::grpc::conformance_proto::conformance_client::ConformanceClient;
use scopeguard_examples::grpc::conformance_proto::{Answer, Empty};
use serde_json::json;
use server::ConformanceServer;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

const PROGRAM: &str = env!("CARGO_BIN_EXE_conformance-tonic");

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

/// `conformance-tonic` trusting `issuer`, with keys at `jwks_url`.
async fn start(issuer: &TestIssuer, jwks_url: &str) -> ConformanceServer {
    let env = [
        ("SCOPEGUARD_ISSUER", issuer.issuer()),
        ("SCOPEGUARD_AUDIENCE", issuer.audience()),
        ("SCOPEGUARD_JWKS_URL", jwks_url),
    ];
    ConformanceServer::start("conformance-tonic", PROGRAM, &env).await
}

async fn client(server: &ConformanceServer) -> ConformanceClient<Channel> {
    let channel = Channel::from_shared(server.base().to_owned())
        .expect("a URI")
        .connect()
        .await
        .expect("the server answers");
    ConformanceClient::new(channel)
}

fn call(authorization: Option<&str>) -> Request<Empty> {
    let mut request = Request::new(Empty {});
    if let Some(authorization) = authorization {
        let value = authorization.parse().expect("ASCII metadata");
        request.metadata_mut().insert("authorization", value);
    }
    request
}

/// The four methods, by route name.
async fn invoke(
    client: &mut ConformanceClient<Channel>,
    method: &str,
    authorization: Option<&str>,
) -> Result<Answer, Status> {
    let request = call(authorization);
    let response = match method {
        "me" => client.me(request).await,
        "order-items" => client.order_items(request).await,
        "price-write" => client.set_price(request).await,
        "admin-audit" => client.audit(request).await,
        other => panic!("no method {other}"),
    };
    response.map(tonic::Response::into_inner)
}

/// The `www-authenticate` metadata, the server's address read as `http://SERVER`.
fn challenge(status: &Status, server: &ConformanceServer) -> Option<String> {
    status.metadata().get("www-authenticate").map(|value| {
        value
            .to_str()
            .expect("ASCII")
            .replace(server.base(), "http://SERVER")
    })
}

const METADATA: &str = r#"resource_metadata="http://SERVER/.well-known/oauth-protected-resource""#;

#[tokio::test]
async fn each_method_allows_its_requirement_and_answers_its_route() {
    let issuer = TestIssuer::new();
    let server = start(&issuer, &serve_jwks(&issuer).await).await;
    let mut client = client(&server).await;
    let cases = [
        ("me", ""),
        ("order-items", "order"),
        ("price-write", "inventory:price.write"),
        ("admin-audit", "admin:read audit:read"),
    ];
    for (method, scopes) in cases {
        let token = issuer.token().sub("alice").scopes(scopes).sign();
        let answer = invoke(&mut client, method, Some(&format!("Bearer {token}")))
            .await
            .unwrap_or_else(|status| panic!("{method} with {scopes:?}: {status:?}"));
        assert_eq!((answer.route.as_str(), answer.sub.as_str()), (method, "alice"));
    }
}

#[tokio::test]
async fn denials_are_grpc_statuses_with_the_challenge() {
    let issuer = TestIssuer::new();
    let server = start(&issuer, &serve_jwks(&issuer).await).await;
    let mut client = client(&server).await;
    let bearer = |scopes: &str| format!("Bearer {}", issuer.token().scopes(scopes).sign());
    let expired = format!("Bearer {}", issuer.token().scopes("order").expired().sign());
    let insufficient = |scope: &str| {
        format!(
            r#"Bearer realm="scopeguard", error="insufficient_scope", error_description="insufficient scope", scope="{scope}", {METADATA}"#
        )
    };
    let cases = [
        (
            "me",
            None,
            Code::Unauthenticated,
            "no bearer token",
            format!(r#"Bearer realm="scopeguard", {METADATA}"#),
        ),
        (
            "me",
            Some("Bearer a b c".to_owned()),
            Code::InvalidArgument,
            "the bearer token is malformed",
            format!(
                r#"Bearer realm="scopeguard", error="invalid_request", error_description="the bearer token is malformed", {METADATA}"#
            ),
        ),
        (
            "me",
            Some("Bearer not-a-jwt".to_owned()),
            Code::Unauthenticated,
            "the token is malformed",
            format!(
                r#"Bearer realm="scopeguard", error="invalid_token", error_description="the token is malformed", {METADATA}"#
            ),
        ),
        (
            "me",
            Some(expired),
            Code::Unauthenticated,
            "the token has expired",
            format!(
                r#"Bearer realm="scopeguard", error="invalid_token", error_description="the token has expired", {METADATA}"#
            ),
        ),
        (
            "order-items",
            Some(bearer("inventory")),
            Code::PermissionDenied,
            "insufficient scope",
            insufficient("order:item"),
        ),
        (
            "price-write",
            Some(bearer("inventory:price")),
            Code::PermissionDenied,
            "insufficient scope",
            insufficient("inventory:price.write"),
        ),
        (
            "admin-audit",
            Some(bearer("admin:read")),
            Code::PermissionDenied,
            "insufficient scope",
            insufficient("admin:read audit:read"),
        ),
        (
            "price-write",
            None,
            Code::Unauthenticated,
            "no bearer token",
            format!(r#"Bearer realm="scopeguard", {METADATA}"#),
        ),
    ];
    for (method, authorization, code, message, want) in cases {
        let status = invoke(&mut client, method, authorization.as_deref())
            .await
            .expect_err("denied");
        let seen = (status.code(), status.message(), challenge(&status, &server));
        assert_eq!(
            seen,
            (code, message, Some(want)),
            "{method} with {authorization:?}"
        );
    }
}

/// Calls `path`, a method the service does not have, with `authorization`.
async fn call_unknown(server: &ConformanceServer, authorization: Option<&str>) -> Status {
    let channel = Channel::from_shared(server.base().to_owned())
        .expect("a URI")
        .connect()
        .await
        .expect("the server answers");
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.expect("ready");
    let path = PathAndQuery::from_static("/scopeguard.conformance.v1.Conformance/Refund");
    let codec = tonic_prost::ProstCodec::<Empty, Answer>::default();
    grpc.unary(call(authorization), path, codec)
        .await
        .expect_err("an unknown method is never answered")
}

#[tokio::test]
async fn methods_outside_the_map_are_denied() {
    let issuer = TestIssuer::new();
    let server = start(&issuer, &serve_jwks(&issuer).await).await;
    let everything = format!(
        "Bearer {}",
        issuer
            .token()
            .scopes("order inventory admin:read audit:read")
            .sign()
    );
    let status = call_unknown(&server, Some(&everything)).await;
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(
        challenge(&status, &server).as_deref(),
        Some(
            format!(r#"Bearer realm="scopeguard", error="insufficient_scope", error_description="insufficient scope", {METADATA}"#)
                .as_str()
        )
    );
    let status = call_unknown(&server, None).await;
    assert_eq!(status.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn keys_never_obtained_are_unavailable() {
    let issuer = TestIssuer::new();
    // A port nothing listens on: the first key fetch fails.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        listener.local_addr().expect("an address")
    };
    let server = start(&issuer, &format!("http://{closed}/jwks")).await;
    let mut client = client(&server).await;
    let token = format!("Bearer {}", issuer.token().scopes("order").sign());
    let status = invoke(&mut client, "me", Some(&token)).await.expect_err("denied");
    assert_eq!(status.code(), Code::Unavailable);
    assert_eq!(status.message(), "the signing keys are temporarily unavailable");
    assert!(status.metadata().get("retry-after").is_some());
    assert_eq!(challenge(&status, &server), None);
}

#[tokio::test]
async fn the_metadata_document_stays_http_on_the_same_port() {
    let issuer = TestIssuer::new();
    let server = start(&issuer, &serve_jwks(&issuer).await).await;
    let answer = server
        .send(
            "GET",
            "/.well-known/oauth-protected-resource",
            Some("Bearer a b c"),
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let document: serde_json::Value = serde_json::from_str(&answer.body).expect("JSON");
    assert_eq!(
        document,
        json!({
            "resource": "http://SERVER",
            "authorization_servers": [issuer.issuer()],
            "scopes_supported": ["admin:read", "audit:read", "inventory:price.write", "order:item"],
            "bearer_methods_supported": ["header"],
        })
    );
}

/// `conformance-tonic` with `SCOPEGUARD_DPOP=mode`.
async fn start_with_dpop(issuer: &TestIssuer, jwks_url: &str, mode: &str) -> ConformanceServer {
    let env = [
        ("SCOPEGUARD_ISSUER", issuer.issuer()),
        ("SCOPEGUARD_AUDIENCE", issuer.audience()),
        ("SCOPEGUARD_JWKS_URL", jwks_url),
        ("SCOPEGUARD_DPOP", mode),
    ];
    ConformanceServer::start("conformance-tonic", PROGRAM, &env).await
}

/// A call carrying `Authorization: DPoP token` and the `DPoP` proof.
fn dpop_call(token: &str, proof: &str) -> Request<Empty> {
    let mut request = call(Some(&format!("DPoP {token}")));
    request
        .metadata_mut()
        .insert("dpop", proof.parse().expect("ASCII metadata"));
    request
}

#[tokio::test]
async fn dpop_and_bearer_calls_are_told_apart_as_for_http() {
    use scopeguard_core::test_util::DpopKey;

    let issuer = TestIssuer::new();
    let jwks = serve_jwks(&issuer).await;
    let required = start_with_dpop(&issuer, &jwks, "required").await;
    let mut required_client = client(&required).await;
    let key = DpopKey::es256();
    let uri = format!(
        "{}/scopeguard.conformance.v1.Conformance/OrderItems",
        required.base()
    );

    // A bound token with a proof for this method's URI: allowed.
    let token = issuer
        .token()
        .sub("alice")
        .scopes("order")
        .dpop_bound(&key)
        .sign();
    let proof = key.proof("POST", &uri, &token).sign();
    let answer = required_client
        .order_items(dpop_call(&token, &proof))
        .await
        .expect("a DPoP call with a valid proof is allowed")
        .into_inner();
    assert_eq!(
        (answer.route.as_str(), answer.sub.as_str()),
        ("order-items", "alice")
    );

    // The same proof again: replayed, UNAUTHENTICATED with a DPoP challenge.
    let replayed = required_client
        .order_items(dpop_call(&token, &proof))
        .await
        .unwrap_err();
    assert_eq!(replayed.code(), Code::Unauthenticated);
    let text = challenge(&replayed, &required).expect("a challenge");
    assert!(
        text.starts_with("DPoP ") && text.contains(r#"error="invalid_dpop_proof""#),
        "{text}"
    );

    // A proof for another method's URI: refused.
    let other = key
        .proof(
            "POST",
            &format!("{}/scopeguard.conformance.v1.Conformance/Me", required.base()),
            &token,
        )
        .sign();
    let status = required_client
        .order_items(dpop_call(&token, &other))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);

    // Bound, proven, but without the scope: PERMISSION_DENIED in a DPoP challenge.
    let reader = issuer.token().scopes("profile").dpop_bound(&key).sign();
    let proof = key.proof("POST", &uri, &reader).sign();
    let status = required_client
        .order_items(dpop_call(&reader, &proof))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    let text = challenge(&status, &required).expect("a challenge");
    assert!(
        text.starts_with("DPoP ")
            && text.contains(r#"error="insufficient_scope""#)
            && text.contains(r#"scope="order:item""#),
        "{text}"
    );

    // Required mode: a Bearer call is UNAUTHENTICATED with a DPoP challenge.
    let bearer = issuer.token().scopes("order").sign();
    let status = invoke(
        &mut required_client,
        "order-items",
        Some(&format!("Bearer {bearer}")),
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    let text = challenge(&status, &required).expect("a challenge");
    assert!(
        text.starts_with("DPoP ") && text.contains(r#"error="invalid_token""#),
        "{text}"
    );

    // Allowed mode: a Bearer call still works, a bound token as Bearer never does.
    let allowed = start_with_dpop(&issuer, &jwks, "allowed").await;
    let mut allowed_client = client(&allowed).await;
    let answer = invoke(
        &mut allowed_client,
        "order-items",
        Some(&format!("Bearer {bearer}")),
    )
    .await
    .expect("a bearer call is allowed in Allowed mode");
    assert_eq!(answer.route, "order-items");
    let status = invoke(
        &mut allowed_client,
        "order-items",
        Some(&format!("Bearer {token}")),
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}
