//! `audit collect`: read the account through the AWS APIs and write its
//! snapshot; also the collection step of the one-step live audit.

use crate::cli::args::{AwsArgs, CollectArgs, ConnectArgs};
use crate::cli::output::write_output;
use anyhow::Context as _;
use std::process::ExitCode;

/// Collection options from the flags.
pub fn options(aws: &AwsArgs) -> crate::source::aws::Options {
    crate::source::aws::Options {
        role_arn: aws.role_arn.clone(),
        external_id: aws.external_id.clone(),
        role_session_name: aws.role_session_name.clone(),
        ..connect_options(&aws.connect)
    }
}

/// Collection options without a role (the caller's own credentials).
pub fn connect_options(c: &ConnectArgs) -> crate::source::aws::Options {
    crate::source::aws::Options {
        profile: c.profile.clone(),
        regions: c.regions.clone(),
        endpoint_url: c.endpoint_url.clone(),
        role_arn: None,
        external_id: None,
        role_session_name: "posture-audit".into(),
        max_concurrency: usize::from(c.max_concurrency),
        max_attempts: c.max_attempts,
        call_timeout: std::time::Duration::from_secs_f64(c.call_timeout),
        adaptive_retry: false,
    }
}

/// Collects a snapshot, drawing progress on standard error when it is a
/// terminal, then one summary line (neither with --quiet).
pub fn collect(aws: &AwsArgs) -> anyhow::Result<(crate::snapshot::Snapshot, crate::source::aws::Stats)> {
    let options = options(aws);
    let result = with_progress(aws.connect.quiet, |progress| async move {
        crate::source::aws::collect(&options, &progress).await
    })?;
    let (snapshot, stats) = result?;
    if !aws.connect.quiet {
        eprintln!("{}", summary_line(&stats));
    }
    Ok((snapshot, stats))
}

/// `collected N resources in R regions with C calls, G gaps, in S s`.
pub fn summary_line(stats: &crate::source::aws::Stats) -> String {
    format!(
        "collected {} resources in {} regions with {} calls, {} gap{}, in {:.1}s",
        stats.resources,
        stats.regions,
        stats.calls,
        stats.gaps,
        if stats.gaps == 1 { "" } else { "s" },
        stats.elapsed.as_secs_f64()
    )
}

/// Runs `work` on a new async runtime, redrawing one progress line on
/// standard error while it runs when that is a terminal (not with `quiet`).
pub fn with_progress<F, T>(
    quiet: bool,
    work: impl FnOnce(std::sync::Arc<crate::source::aws::Progress>) -> F,
) -> anyhow::Result<T>
where
    F: std::future::Future<Output = T>,
{
    use std::io::{IsTerminal as _, Write as _};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let progress = std::sync::Arc::new(crate::source::aws::Progress::default());
    let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let display = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let (progress, finished) = (progress.clone(), finished.clone());
        std::thread::spawn(move || {
            while !finished.load(std::sync::atomic::Ordering::Relaxed) {
                // \r and "erase to end of line": one line, redrawn in place.
                eprint!("\r{}\x1b[K", progress.line());
                let _ = std::io::stderr().flush();
                std::thread::sleep(std::time::Duration::from_millis(150));
            }
            eprint!("\r\x1b[K");
        })
    });
    // Ctrl-C stops the collection before anything is written: every output
    // is written only once collection is complete (and atomically), so an
    // interrupted run leaves no file, partial or not, and exits 130.
    let result = runtime.block_on(async {
        tokio::select! {
            result = work(progress) => Some(result),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    finished.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(display) = display {
        let _ = display.join();
    }
    // Pending calls are abandoned, not awaited.
    runtime.shutdown_background();
    result.ok_or_else(|| anyhow::Error::new(crate::cli::Interrupted))
}

pub fn run(args: &CollectArgs) -> anyhow::Result<ExitCode> {
    let (snapshot, stats) = collect(&args.aws)?;
    let mut bytes = serde_json::to_vec_pretty(&snapshot)?;
    bytes.push(b'\n');
    match args.output.as_deref() {
        Some(path) => crate::cli::output::write_private(path, &bytes),
        None => write_output(None, &bytes),
    }
    .context("the snapshot was not written")?;
    if args.strict && stats.gaps > 0 {
        eprintln!(
            "error: --strict: {} call{} failed; the snapshot, written, lists them under `gaps`",
            stats.gaps,
            if stats.gaps == 1 { "" } else { "s" }
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}
