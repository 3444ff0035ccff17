//! Evaluates the full catalogue over synthetic snapshots of 10k and 100k
//! resources and prints, for each: the time to parse the snapshot, to prepare
//! it (joins, derived fields, CEL conversion) and to evaluate it, the
//! evaluation rate, the ratio to the parse time, and peak memory.
//!
//! Run: `cargo bench --no-default-features --bench evaluate` (add sizes as
//! arguments, e.g. `-- 1000 50000`). Medians of 5 runs; the machine is shared,
//! so compare ratios rather than absolute times.
//!
//! `BENCH_SNAPSHOT_OUT=FILE` only writes the synthetic snapshot of the first
//! size to FILE and exits: `scripts/bench_release.sh` times built `audit`
//! binaries on it end to end.

// The same allocator as the `audit` binary, so the figures are the user's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/synthetic.rs"]
mod synthetic;

use posture_audit::engine::{self, Options};
use posture_audit::{prepare, rules, snapshot};
use std::path::Path;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![10_000, 100_000] } else { sizes };
    if let Some(out) = std::env::var_os("BENCH_SNAPSHOT_OUT") {
        let n = sizes.first().copied().unwrap_or(100_000);
        std::fs::write(&out, synthetic::snapshot_text(n)).expect("BENCH_SNAPSHOT_OUT is writable");
        return;
    }
    let rules = rules::load(&[]).expect("the built-in rules load");
    println!(
        "{:>8} {:>6} {:>10} {:>10} {:>10} {:>12} {:>10} {:>10} {:>9}",
        "resources", "MB", "parse", "prepare", "evaluate", "evals/s", "eval/parse", "total/parse", "peak RSS"
    );
    for n in sizes {
        let text = synthetic::snapshot_text(n);
        let path = Path::new("synthetic.json");
        let (mut parse, mut prep, mut eval) = (Vec::new(), Vec::new(), Vec::new());
        let mut evaluations = 0usize;
        let mut resources = 0usize;
        for _ in 0..RUNS {
            let t = Instant::now();
            let snap = snapshot::parse(&text, path).expect("the synthetic snapshot is valid");
            parse.push(t.elapsed());
            let t = Instant::now();
            let prepared = prepare::prepare(&snap);
            prep.push(t.elapsed());
            let t = Instant::now();
            let report = engine::evaluate(&rules, &prepared, &Options::default());
            eval.push(t.elapsed());
            resources = report.summary.resources;
            evaluations = report.summary.passed + report.summary.failed + report.summary.errors;
            std::hint::black_box(report);
        }
        let (parse, prep, eval) = (median(parse), median(prep), median(eval));
        println!(
            "{:>8} {:>6.1} {:>9.1}ms {:>9.1}ms {:>9.1}ms {:>12.0} {:>10.2} {:>11.2} {:>7.0}MiB",
            resources,
            text.len() as f64 / 1e6,
            parse.as_secs_f64() * 1e3,
            prep.as_secs_f64() * 1e3,
            eval.as_secs_f64() * 1e3,
            evaluations as f64 / eval.as_secs_f64(),
            eval.as_secs_f64() / parse.as_secs_f64(),
            (prep + eval).as_secs_f64() / parse.as_secs_f64(),
            peak_rss_mib(),
        );
        if std::env::var_os("BENCH_PER_RULE").is_some() {
            per_rule(&rules, &text, path);
        }
        if std::env::var_os("BENCH_HTML").is_some() {
            html(&rules, &text, path);
        }
    }
}

/// With `BENCH_HTML` set: the HTML report of the account (every framework's
/// view included, as `--format html` writes it): its size and the median
/// time to write it; with `BENCH_HTML_OUT=FILE` also the page itself, to
/// open in a browser.
fn html(rules: &rules::RuleSet, text: &str, path: &Path) {
    use posture_audit::report::{self, Emitter as _};
    let snap = snapshot::parse(text, path).expect("the synthetic snapshot is valid");
    let report = engine::evaluate(rules, &prepare::prepare(&snap), &Options::default());
    let (mut times, mut size) = (Vec::new(), 0);
    for _ in 0..RUNS {
        let t = Instant::now();
        let context = report::Context {
            compliance: report::compliance::frameworks()
                .expect("frameworks")
                .iter()
                .map(|f| report::compliance::view(f, &report, rules))
                .collect(),
            ..report::Context::default()
        };
        let mut out = Vec::new();
        report::html::HtmlEmitter
            .emit(&report, &context, &mut out)
            .expect("the page renders");
        times.push(t.elapsed());
        size = out.len();
        if let Some(path) = std::env::var_os("BENCH_HTML_OUT") {
            std::fs::write(&path, &out).expect("BENCH_HTML_OUT is writable");
        }
    }
    println!(
        "    html: {:.1} MB, written in {:.0} ms (median of {RUNS}), {} failing findings",
        size as f64 / 1e6,
        median(times).as_secs_f64() * 1e3,
        report.summary.failed
    );
}

/// With `BENCH_PER_RULE` set: each rule evaluated alone (median of 3), the
/// ten slowest printed, to find where evaluation time goes.
fn per_rule(rules: &rules::RuleSet, text: &str, path: &Path) {
    let snap = snapshot::parse(text, path).expect("the synthetic snapshot is valid");
    let prepared = prepare::prepare(&snap);
    let mut times: Vec<(Duration, &str)> = rules
        .rules
        .iter()
        .map(|rule| {
            let options = Options {
                only: vec![rule.id.clone()],
                ..Options::default()
            };
            let samples = (0..3)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(engine::evaluate(rules, &prepared, &options));
                    t.elapsed()
                })
                .collect();
            (median(samples), rule.id.as_str())
        })
        .collect();
    times.sort_by(|a, b| b.cmp(a));
    for (time, id) in times.iter().take(10) {
        println!("    {:>8.1}ms  {id}", time.as_secs_f64() * 1e3);
    }
}
