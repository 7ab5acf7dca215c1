//! The benchmark: one binary measures every variant three ways and prints
//! the results as Markdown. See ../README.md.
//!
//! ```text
//! bench all [--wrk-secs S] [--runs R] [--only V1,V2] [--algs A,B] [--skip-wrk] [--skip-callgrind] [--skip-inproc]
//! bench mint                                   # mint the token pools (bench/target/tokens)
//! bench inproc    VARIANT ALG MODE RUNS        # median ns/request, in-process
//! bench callgrind VARIANT ALG MODE N          # one measured batch (run under valgrind)
//! bench allocs    VARIANT ALG MODE N           # heap allocations per request
//! bench serve     VARIANT ALG PORT             # the variant on 127.0.0.1:PORT
//! bench decision  REQUIREMENT N                # N scope decisions (run under valgrind)
//! ```
//! MODE is `reused` (one token for every request) or `fresh` (every request
//! a token not seen before, from a pool three times the cache's capacity).

mod common;
mod counting_alloc;
mod forward;
mod report;
mod variants;

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use http::{HeaderValue, Request, header::AUTHORIZATION};
use tower::ServiceExt as _;

use common::{ALGS, PATH};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_else(|| usage());
    match arg(0) {
        "mint" => ALGS.iter().for_each(|alg| common::ensure_tokens(alg)),
        "inproc" => {
            let ns = inproc(arg(1), arg(2), arg(3), arg(4).parse().expect("RUNS"));
            println!("RESULT ns={ns:.1}");
        }
        "callgrind" => callgrind(arg(1), arg(2), arg(3), arg(4).parse().expect("N")),
        "allocs" => {
            let per_request = allocs(arg(1), arg(2), arg(3), arg(4).parse().expect("N"));
            println!("RESULT allocs={per_request:.2}");
        }
        "serve" => serve(arg(1), arg(2), arg(3).parse().expect("PORT")),
        "all" => report::all(&args[1..]),
        "check" => check(),
        "decision" => decision(arg(1), arg(2).parse().expect("N")),
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: bench all | mint | inproc V ALG MODE RUNS | callgrind V ALG MODE N | allocs V ALG MODE N | serve V ALG PORT | decision REQUIREMENT N"
    );
    std::process::exit(2)
}

/// `Authorization` values: the reused token, or the pool (fresh).
fn headers<T>(alg: &str, mode: &str, limit: usize, parse: fn(&str) -> T) -> Vec<T> {
    let tokens = common::load_tokens(alg, limit);
    let list = match mode {
        "reused" => vec![tokens.reused],
        "fresh" => tokens.pool,
        _ => panic!("MODE is reused or fresh"),
    };
    list.iter()
        .map(|t| parse(&format!("Bearer {t}")))
        .collect()
}

// ------------------------------------------------------------------ drivers

/// A source of `Authorization` values: cycles through the list.
struct Cursor<T> {
    headers: Vec<T>,
    next: usize,
}

fn axum_header(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).expect("header")
}

fn actix_header(s: &str) -> actix_web::http::header::HeaderValue {
    actix_web::http::header::HeaderValue::from_str(s).expect("header")
}

impl<T: Clone> Cursor<T> {
    fn take(&mut self) -> T {
        let value = self.headers[self.next % self.headers.len()].clone();
        self.next += 1;
        value
    }
}

/// One request through the axum router, in-process (tower `oneshot`).
async fn axum_request(app: &Router, auth: HeaderValue) {
    let request = Request::builder()
        .uri(PATH)
        .header(AUTHORIZATION, auth)
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), 200, "the variant must answer 200");
}

/// `n` requests; its own function so that callgrind can collect it alone
/// (`--toggle-collect=*bench_batch*`).
#[inline(never)]
fn bench_batch_axum(rt: &tokio::runtime::Runtime, app: &Router, cursor: &mut Cursor<HeaderValue>, n: usize) {
    rt.block_on(async {
        for _ in 0..n {
            axum_request(app, cursor.take()).await;
        }
    });
}

#[inline(never)]
fn bench_batch_actix<S, B>(
    sys: &actix_web::rt::SystemRunner,
    app: &S,
    cursor: &mut Cursor<actix_web::http::header::HeaderValue>,
    n: usize,
) where
    S: actix_web::dev::Service<actix_http::Request, Response = actix_web::dev::ServiceResponse<B>, Error = actix_web::Error>,
{
    sys.block_on(async {
        for _ in 0..n {
            let request = actix_web::test::TestRequest::get()
                .uri(PATH)
                .insert_header((actix_web::http::header::AUTHORIZATION, cursor.take()))
                .to_request();
            let response = app.call(request).await.expect("response");
            assert_eq!(response.status(), 200, "the variant must answer 200");
        }
    });
}

/// Requests before measuring: the reused token is verified (and cached) by
/// the first; in fresh mode a scopeguard variant first fills its cache so
/// that the measured requests also pay for eviction.
fn warmup_count(variant: &str, alg: &str, mode: &str) -> usize {
    if mode == "fresh" && variant.contains("scopeguard") {
        let tokens = common::load_tokens(alg, 0);
        common::cache_capacity(&tokens.reused) + 500
    } else {
        200
    }
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

/// Median ns/request over `runs` runs of ~150 ms, on a single-threaded runtime.
fn inproc(variant: &str, alg: &str, mode: &str, runs: usize) -> f64 {
    let warmup = warmup_count(variant, alg, mode);
    fn measure<T>(mut cursor: Cursor<T>, warmup: usize, runs: usize, mode: &str, batch: &mut dyn FnMut(&mut Cursor<T>, usize)) -> f64 {
        batch(&mut cursor, warmup);
        // Calibrate: requests per ~150 ms run.
        let started = Instant::now();
        batch(&mut cursor, 100);
        let per = started.elapsed().as_secs_f64() / 100.0;
        let mut n = ((0.15 / per) as usize).clamp(100, 200_000);
        if mode == "fresh" {
            // Never wrap around the pool: every measured token is new.
            let left = cursor.headers.len().saturating_sub(cursor.next);
            n = n.min(left / runs).max(50);
        }
        let mut samples: Vec<f64> = (0..runs)
            .map(|_| {
                let started = Instant::now();
                batch(&mut cursor, n);
                started.elapsed().as_nanos() as f64 / n as f64
            })
            .collect();
        samples.sort_by(f64::total_cmp);
        samples[samples.len() / 2]
    }
    if variants::is_actix(variant) {
        let sys = actix_web::rt::System::new();
        with_actix_app!(variant, alg, |make| {
            let app = sys.block_on(actix_web::test::init_service(make()));
            let cursor = Cursor { headers: headers(alg, mode, usize::MAX, actix_header), next: 0 };
            measure(cursor, warmup, runs, mode, &mut |cursor, n| bench_batch_actix(&sys, &app, cursor, n))
        })
    } else {
        let rt = current_thread();
        let app = rt.block_on(variants::axum_app(variant, alg));
        let cursor = Cursor { headers: headers(alg, mode, usize::MAX, axum_header), next: 0 };
        measure(cursor, warmup, runs, mode, &mut |cursor, n| bench_batch_axum(&rt, &app, cursor, n))
    }
}

/// Under `valgrind --tool=callgrind --collect-atstart=no
/// --toggle-collect=*bench_batch*`: a warm-up (not collected), then one
/// collected batch of `n` requests. The driver runs it with two sizes;
/// (Ir₂ − Ir₁) / (n₂ − n₁) is the cost of one request without setup.
fn callgrind(variant: &str, alg: &str, mode: &str, n: usize) {
    // In fresh mode the cache is not filled first (under valgrind that would
    // take minutes): the measured tokens are new, so every one is a miss,
    // but no eviction happens.
    let warmup = 20;
    let limit = if mode == "fresh" { warmup + n + 10 } else { usize::MAX };
    if variants::is_actix(variant) {
        let mut cursor = Cursor { headers: headers(alg, mode, limit, actix_header), next: 0 };
        let sys = actix_web::rt::System::new();
        with_actix_app!(variant, alg, |make| {
            let app = sys.block_on(actix_web::test::init_service(make()));
            // The warm-up runs outside `bench_batch_*`: not collected.
            sys.block_on(async {
                for _ in 0..warmup {
                    let request = actix_web::test::TestRequest::get()
                        .uri(PATH)
                        .insert_header((actix_web::http::header::AUTHORIZATION, cursor.take()))
                        .to_request();
                    let response = actix_web::dev::Service::call(&app, request).await.expect("response");
                    assert_eq!(response.status(), 200);
                }
            });
            bench_batch_actix(&sys, &app, &mut cursor, n);
        })
    } else {
        let mut cursor = Cursor { headers: headers(alg, mode, limit, axum_header), next: 0 };
        let rt = current_thread();
        let app = rt.block_on(variants::axum_app(variant, alg));
        rt.block_on(async {
            for _ in 0..warmup {
                axum_request(&app, cursor.take()).await;
            }
        });
        bench_batch_axum(&rt, &app, &mut cursor, n);
    }
}

/// Heap allocations per request over a batch of `n` after the warm-up of
/// `bench callgrind`, counted by the global allocator (`counting_alloc`).
fn allocs(variant: &str, alg: &str, mode: &str, n: usize) -> f64 {
    let warmup = 20;
    let limit = if mode == "fresh" { warmup + n + 10 } else { usize::MAX };
    let count = |batch: &mut dyn FnMut(usize)| {
        batch(warmup);
        let before = counting_alloc::allocations();
        batch(n);
        (counting_alloc::allocations() - before) as f64 / n as f64
    };
    if variants::is_actix(variant) {
        let mut cursor = Cursor { headers: headers(alg, mode, limit, actix_header), next: 0 };
        let sys = actix_web::rt::System::new();
        with_actix_app!(variant, alg, |make| {
            let app = sys.block_on(actix_web::test::init_service(make()));
            count(&mut |n| bench_batch_actix(&sys, &app, &mut cursor, n))
        })
    } else {
        let mut cursor = Cursor { headers: headers(alg, mode, limit, axum_header), next: 0 };
        let rt = current_thread();
        let app = rt.block_on(variants::axum_app(variant, alg));
        count(&mut |n| bench_batch_axum(&rt, &app, &mut cursor, n))
    }
}

/// The ten granted scopes of `scopeguard-core/benches/scope_decision.rs`.
const DECISION_GRANTED: &str = "openid profile email order report:read inventory:price.write \
    urn:example:billing:read inventory:sales transaction-42 https://api.example.com/x";

/// `n` decisions of the default policy on `DECISION_GRANTED`, for
/// callgrind: (Ir at 2n − Ir at n) / n is one decision.
fn decision(requirement: &str, n: usize) {
    let requirement = scopeguard_core::Requirement::parse(requirement).expect("a requirement");
    let granted: scopeguard_core::GrantedScopes = DECISION_GRANTED.parse().expect("valid scopes");
    let policy = scopeguard_core::ScopePolicy::default();
    let allowed = bench_batch_decision(&policy, &granted, &requirement, n);
    println!("allowed {allowed} of {n}");
}

#[inline(never)]
fn bench_batch_decision(
    policy: &scopeguard_core::ScopePolicy,
    granted: &scopeguard_core::GrantedScopes,
    requirement: &scopeguard_core::Requirement,
    n: usize,
) -> usize {
    use std::hint::black_box;
    let mut allowed = 0;
    for _ in 0..n {
        if black_box(policy).check(black_box(granted), black_box(requirement), &()).is_ok() {
            allowed += 1;
        }
    }
    allowed
}

/// Serves the variant on 127.0.0.1:`port`, single-threaded.
fn serve(variant: &str, alg: &str, port: u16) {
    let address = ("127.0.0.1", port);
    if variants::is_actix(variant) {
        let sys = actix_web::rt::System::new();
        with_actix_app!(variant, alg, |make| {
            sys.block_on(async move {
                actix_web::HttpServer::new(make)
                    .workers(1)
                    .bind(address)
                    .expect("bind")
                    .run()
                    .await
                    .expect("server")
            })
        })
    } else {
        let rt = current_thread();
        rt.block_on(async {
            let app = variants::axum_app(variant, alg).await;
            let listener = tokio::net::TcpListener::bind(address).await.expect("bind");
            axum::serve(listener, app).await.expect("server");
        });
    }
}

/// Every variant must accept the valid token and refuse the others.
fn check() {
    let mut failures = 0;
    for alg in ALGS {
        let tokens = common::check_tokens(alg);
        for variant in variants::VARIANTS.iter().filter(|v| !v.ends_with("unprotected") && !variants::is_baseline(v)) {
            if !variants::supports(variant, alg) {
                continue;
            }
            let statuses: Vec<u16> = if variants::is_actix(variant) {
                let sys = actix_web::rt::System::new();
                with_actix_app!(variant, alg, |make| {
                    let app = sys.block_on(actix_web::test::init_service(make()));
                    tokens
                        .iter()
                        .map(|(_, t)| {
                            let mut request = actix_web::test::TestRequest::get().uri(PATH);
                            if let Some(t) = t {
                                request = request.insert_header((actix_web::http::header::AUTHORIZATION, format!("Bearer {t}")));
                            }
                            let response = sys.block_on(actix_web::dev::Service::call(&app, request.to_request()));
                            response.map_or(500, |r| r.status().as_u16())
                        })
                        .collect()
                })
            } else {
                let rt = current_thread();
                let app = rt.block_on(variants::axum_app(variant, alg));
                tokens
                    .iter()
                    .map(|(_, t)| {
                        let mut request = Request::builder().uri(PATH);
                        if let Some(t) = t {
                            request = request.header(AUTHORIZATION, format!("Bearer {t}"));
                        }
                        let response = rt.block_on(app.clone().oneshot(request.body(Body::empty()).expect("request")));
                        response.expect("infallible").status().as_u16()
                    })
                    .collect()
            };
            let ok = statuses[0] == 200 && statuses[1..].iter().all(|s| *s != 200);
            failures += usize::from(!ok);
            let cells: Vec<String> = tokens.iter().zip(&statuses).map(|((name, _), s)| format!("{name}: {s}")).collect();
            println!("{} {alg:5} {variant:26} {}", if ok { "ok  " } else { "FAIL" }, cells.join(", "));
        }
    }
    if failures > 0 {
        eprintln!("{failures} variant(s) failed the check");
        std::process::exit(1);
    }
}

/// Waits until something accepts connections on `port`.
pub fn wait_for_port(port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}
