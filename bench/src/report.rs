//! `bench all`: runs every measurement in child processes and prints the
//! Markdown tables (also written to bench/target/results.md).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::common::{self, ALGS};
use crate::variants::{self, VARIANTS};

const MODES: [&str; 2] = ["reused", "fresh"];

struct Options {
    wrk_secs: u32,
    runs: usize,
    only: Option<Vec<String>>,
    algs: Vec<String>,
    inproc: bool,
    callgrind: bool,
    wrk: bool,
}

fn options(args: &[String]) -> Options {
    let mut o = Options {
        wrk_secs: 3,
        runs: 7,
        only: None,
        algs: ALGS.iter().map(|s| s.to_string()).collect(),
        inproc: true,
        callgrind: true,
        wrk: true,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--wrk-secs" => o.wrk_secs = it.next().expect("secs").parse().expect("secs"),
            "--runs" => o.runs = it.next().expect("runs").parse().expect("runs"),
            "--only" => o.only = Some(it.next().expect("variants").split(',').map(str::to_owned).collect()),
            "--algs" => o.algs = it.next().expect("algs").split(',').map(str::to_owned).collect(),
            "--skip-inproc" => o.inproc = false,
            "--skip-callgrind" => o.callgrind = false,
            "--skip-wrk" => o.wrk = false,
            other => panic!("unknown option {other}"),
        }
    }
    o
}

type Key = (&'static str, String, &'static str); // (mode, alg, variant)

#[derive(Default)]
struct Results {
    ns: BTreeMap<Key, f64>,
    ir: BTreeMap<Key, f64>,
    rps: BTreeMap<Key, f64>,
    /// Heap allocations per request (reused mode).
    allocs: BTreeMap<Key, f64>,
    /// Wall-clock ratios, each to the floor measured just before the variant.
    ns_ratio: BTreeMap<Key, f64>,
    rps_ratio: BTreeMap<Key, f64>,
}

/// Wall-clock measurements are paired: the variant's floor (same framework,
/// mode and algorithm) is measured right before each variant, and the ratio
/// is to that sample, so that the shared machine's load drift cancels out.
/// A floor's own figure is the mean of its samples.
fn paired(
    combos: &[Key],
    values: &mut BTreeMap<Key, f64>,
    ratios: &mut BTreeMap<Key, f64>,
    mut measure: impl FnMut(&'static str, &str, &'static str) -> Option<f64>,
) {
    let mut floors: BTreeMap<Key, Vec<f64>> = BTreeMap::new();
    for (mode, alg, variant) in combos.iter().filter(|(_, _, v)| !v.ends_with("unprotected")) {
        let floor = variants::floor_of(variant);
        let Some(f) = measure(mode, alg, floor) else { continue };
        floors.entry((*mode, alg.clone(), floor)).or_default().push(f);
        if let Some(v) = measure(mode, alg, variant) {
            values.insert((*mode, alg.clone(), *variant), v);
            ratios.insert((*mode, alg.clone(), *variant), v / f);
        }
    }
    for (key, samples) in floors {
        values.insert(key, samples.iter().sum::<f64>() / samples.len() as f64);
    }
}

fn exe() -> PathBuf {
    std::env::current_exe().expect("current exe")
}

fn target_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target")
}

/// The variants to measure: the floors always, the forwarding baselines of
/// the selected scopeguard variants.
fn selected(o: &Options) -> Vec<&'static str> {
    let chosen = |v: &str| o.only.as_ref().is_none_or(|only| only.iter().any(|x| x == v));
    VARIANTS
        .iter()
        .copied()
        .filter(|v| {
            v.ends_with("unprotected")
                || chosen(v)
                || VARIANTS.iter().any(|s| chosen(s) && variants::baseline_of(s) == Some(*v))
        })
        .collect()
}

pub fn all(args: &[String]) {
    let o = options(args);
    let started = Instant::now();
    for alg in &o.algs {
        common::ensure_tokens(alg);
    }
    let mut r = Results::default();
    let list = selected(&o);
    let list = &list;
    let combos: Vec<(&'static str, String, &'static str)> = MODES
        .iter()
        .flat_map(|m| o.algs.iter().flat_map(move |a| list.iter().map(move |v| (*m, a.clone(), *v))))
        .filter(|(_, a, v)| variants::supports(v, a))
        .collect();

    if o.inproc {
        paired(&combos, &mut r.ns, &mut r.ns_ratio, |mode, alg, variant| {
            let out = run(Command::new(exe()).args(["inproc", variant, alg, mode, &o.runs.to_string()]));
            let ns = out.as_deref().and_then(|s| field(s, "RESULT ns="))?;
            eprintln!("inproc    {mode:6} {alg:5} {variant:26} {ns:>10.0} ns");
            Some(ns)
        });
        eprintln!("in-process done at {:.0?}", started.elapsed());
    }
    if o.callgrind {
        for (mode, alg, variant) in &combos {
            if let Some(ir) = callgrind(variant, alg, mode) {
                eprintln!("callgrind {mode:6} {alg:5} {variant:26} {ir:>10.0} Ir");
                r.ir.insert((*mode, alg.clone(), *variant), ir);
            }
        }
        eprintln!("callgrind done at {:.0?}", started.elapsed());
    }
    for (mode, alg, variant) in combos.iter().filter(|(m, _, _)| *m == "reused") {
        let out = run(Command::new(exe()).args(["allocs", variant, alg, mode, "2000"]));
        if let Some(n) = out.as_deref().and_then(|s| field(s, "RESULT allocs=")) {
            eprintln!("allocs    {mode:6} {alg:5} {variant:26} {n:>10.2} per request");
            r.allocs.insert((*mode, alg.clone(), *variant), n);
        }
    }
    if o.wrk {
        write_lua();
        let mut port = 18000u16;
        paired(&combos, &mut r.rps, &mut r.rps_ratio, |mode, alg, variant| {
            port = if port >= 18999 { 18000 } else { port + 1 };
            let rps = wrk(variant, alg, mode, o.wrk_secs, port)?;
            eprintln!("wrk       {mode:6} {alg:5} {variant:26} {rps:>10.0} req/s");
            Some(rps)
        });
        eprintln!("wrk done at {:.0?}", started.elapsed());
    }
    let md = markdown(&r, &o, list);
    std::fs::write(target_dir().join("results.md"), &md).expect("results.md");
    println!("{md}");
    eprintln!("total {:.0?}", started.elapsed());
}

fn run(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().expect("spawn");
    if !out.status.success() {
        eprintln!("FAILED: {cmd:?}\n{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn field(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(prefix))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// Requests of the two collected batches: enough that one request's cost is
/// stable to a few Ir.
fn batch_sizes(mode: &str) -> (usize, usize) {
    if mode == "fresh" { (40, 240) } else { (200, 1200) }
}

fn callgrind(variant: &str, alg: &str, mode: &str) -> Option<f64> {
    let dir = target_dir().join("callgrind");
    std::fs::create_dir_all(&dir).expect("callgrind dir");
    let (n1, n2) = batch_sizes(mode);
    let total = |n: usize| -> Option<f64> {
        let out = dir.join(format!("{mode}-{alg}-{variant}-{n}.out"));
        run(Command::new("valgrind")
            .args(["--tool=callgrind", "--collect-atstart=no", "--toggle-collect=*bench_batch*"])
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(exe())
            .args(["callgrind", variant, alg, mode, &n.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null()))?;
        let text = std::fs::read_to_string(&out).ok()?;
        field(&text, "totals:").or_else(|| field(&text, "summary:"))
    };
    let (t1, t2) = (total(n1)?, total(n2)?);
    Some((t2 - t1) / (n2 - n1) as f64)
}

fn lua_path() -> PathBuf {
    target_dir().join("fresh.lua")
}

/// wrk script of the fresh mode: every request the next token of the pool.
fn write_lua() {
    let lua = r#"local tokens = {}
for line in io.lines(os.getenv("BENCH_POOL")) do tokens[#tokens + 1] = "Bearer " .. line end
local i = 0
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", "/price", { ["Authorization"] = tokens[i] })
end
"#;
    std::fs::write(lua_path(), lua).expect("fresh.lua");
}

fn wrk(variant: &str, alg: &str, mode: &str, secs: u32, port: u16) -> Option<f64> {
    let mut server = Command::new(exe())
        .args(["serve", variant, alg, &port.to_string()])
        .stdout(Stdio::null())
        .spawn()
        .expect("server");
    let result = (|| {
        if !crate::wait_for_port(port) {
            eprintln!("server {variant} {alg} did not start");
            return None;
        }
        let url = format!("http://127.0.0.1:{port}{}", common::PATH);
        let mut cmd = Command::new("wrk");
        cmd.args(["-t1", "-c16", &format!("-d{secs}s")]);
        if mode == "reused" {
            let token = common::load_tokens(alg, 0).reused;
            cmd.args(["-H", &format!("Authorization: Bearer {token}")]);
        } else {
            cmd.arg("-s").arg(lua_path()).env("BENCH_POOL", common::pool_file(alg));
        }
        let out = run(cmd.arg(url))?;
        if out.contains("Non-2xx") || out.contains("Socket errors") {
            eprintln!("wrk {variant} {alg} {mode}: errors\n{out}");
            return None;
        }
        field(&out, "Requests/sec:")
    })();
    let _ = server.kill();
    let _ = server.wait();
    result
}

// ------------------------------------------------------------------ tables

fn markdown(r: &Results, o: &Options, list: &[&'static str]) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Figures are ratios to the unprotected route of the same framework measured in the same run \
         (axum variants ÷ `axum-unprotected`, actix variants ÷ `actix-unprotected`). \
         ns and Ir: lower is better (1.00 = free); req/s: higher is better (1.00 = free). \
         Δ = protected − unprotected, in instructions per request: the cost of the auth itself. \
         Wall-clock ratios (ns, req/s) are to a floor sample taken right before each variant; \
         the floor's figure shown is the mean of its samples.\n"
    );
    let table = |md: &mut String, title: &str, map: &BTreeMap<Key, f64>, ratios: Option<&BTreeMap<Key, f64>>, mode: &'static str, delta: bool| {
        if map.is_empty() {
            return;
        }
        let _ = writeln!(md, "#### {title} — {}\n", mode_name(mode));
        let _ = write!(md, "| variant |");
        for a in &o.algs {
            let _ = write!(md, " {a} |");
        }
        let _ = write!(md, "\n| --- |");
        for _ in &o.algs {
            let _ = write!(md, " ---: |");
        }
        let _ = writeln!(md);
        for v in list {
            let _ = write!(md, "| `{v}` |");
            for a in &o.algs {
                let value = map.get(&(mode, a.clone(), *v));
                let floor = map.get(&(mode, a.clone(), variants::floor_of(v)));
                let cell = match (value, floor) {
                    _ if !variants::supports(v, a) => "n/a".to_owned(),
                    (Some(x), Some(_)) if v.ends_with("unprotected") => {
                        if delta { format!("1.00 ({x:.0} Ir)") } else { format!("1.00 ({})", absolute(title, *x)) }
                    }
                    (Some(x), Some(f)) if delta => format!("{:.2}× (Δ {})", x / f, kilo(x - f)),
                    (Some(x), Some(f)) => {
                        let ratio = ratios.and_then(|r| r.get(&(mode, a.clone(), *v)).copied()).unwrap_or(x / f);
                        format!("{ratio:.2}×")
                    }
                    _ => "failed".to_owned(),
                };
                let _ = write!(md, " {cell} |");
            }
            let _ = writeln!(md);
        }
        let _ = writeln!(md);
    };
    own_cost(&mut md, r, o, list);
    for mode in MODES {
        table(&mut md, "Instructions per request (callgrind)", &r.ir, None, mode, true);
        table(&mut md, "In-process ns per request (tower oneshot / actix test service, median)", &r.ns, Some(&r.ns_ratio), mode, false);
        table(&mut md, "End-to-end requests/s (wrk, loopback)", &r.rps, Some(&r.rps_ratio), mode, false);
    }
    md
}

/// scopeguard's own cost with a reused token: each scopeguard variant minus
/// its forwarding-only baseline of the same shape, same run.
fn own_cost(md: &mut String, r: &Results, o: &Options, list: &[&'static str]) {
    if r.ir.is_empty() && r.allocs.is_empty() {
        return;
    }
    let _ = writeln!(md, "#### scopeguard's own cost — one token reused (variant − its forwarding baseline)\n");
    let _ = write!(md, "| variant | baseline |");
    for a in &o.algs {
        let _ = write!(md, " {a} Ir | {a} allocs |");
    }
    let _ = write!(md, "\n| --- | --- |");
    for _ in &o.algs {
        let _ = write!(md, " ---: | ---: |");
    }
    let _ = writeln!(md);
    for v in list {
        let Some(b) = variants::baseline_of(v) else { continue };
        let _ = write!(md, "| `{v}` | `{b}` |");
        for a in &o.algs {
            let diff = |map: &BTreeMap<Key, f64>| {
                Some(map.get(&("reused", a.clone(), *v))? - map.get(&("reused", a.clone(), b))?)
            };
            let ir = diff(&r.ir).map_or("–".to_owned(), |x| format!("{x:.0}"));
            let allocs = diff(&r.allocs).map_or("–".to_owned(), |x| format!("{x:+.2}"));
            let _ = write!(md, " {ir} | {allocs} |");
        }
        let _ = writeln!(md);
    }
    let _ = writeln!(md);
}

fn mode_name(mode: &str) -> &'static str {
    if mode == "reused" { "one token reused" } else { "every request a new token" }
}

fn kilo(x: f64) -> String {
    if x.abs() >= 10_000.0 { format!("{:.0}k", x / 1000.0) } else { format!("{x:.0}") }
}

fn absolute(title: &str, x: f64) -> String {
    if title.starts_with("In-process") { format!("{x:.0} ns") } else { format!("{x:.0} req/s") }
}
