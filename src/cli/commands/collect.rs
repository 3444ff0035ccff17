//! `audit collect`: read the account through the AWS APIs and write its
//! snapshot; also the collection step of the one-step live audit.

use crate::cli::args::{AwsArgs, CollectArgs};
use crate::cli::output::write_output;
use anyhow::Context as _;
use std::process::ExitCode;

/// Collection options from the flags.
pub fn options(aws: &AwsArgs) -> crate::source::aws::Options {
    crate::source::aws::Options {
        profile: aws.profile.clone(),
        regions: aws.regions.clone(),
        endpoint_url: aws.endpoint_url.clone(),
        role_arn: aws.role_arn.clone(),
        external_id: aws.external_id.clone(),
        role_session_name: aws.role_session_name.clone(),
        max_concurrency: usize::from(aws.max_concurrency),
        max_attempts: aws.max_attempts,
        call_timeout: std::time::Duration::from_secs_f64(aws.call_timeout),
    }
}

/// Collects a snapshot, drawing progress on standard error when it is a
/// terminal, then one summary line (neither with --quiet).
pub fn collect(aws: &AwsArgs) -> anyhow::Result<(crate::snapshot::Snapshot, crate::source::aws::Stats)> {
    use std::io::{IsTerminal as _, Write as _};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let progress = std::sync::Arc::new(crate::source::aws::Progress::default());
    let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let display = (!aws.quiet && std::io::stderr().is_terminal()).then(|| {
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
    let result = runtime.block_on(crate::source::aws::collect(&options(aws), &progress));
    finished.store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(display) = display {
        let _ = display.join();
    }
    let (snapshot, stats) = result?;
    if !aws.quiet {
        eprintln!(
            "collected {} resources in {} regions with {} calls, {} gap{}, in {:.1}s",
            stats.resources,
            stats.regions,
            stats.calls,
            stats.gaps,
            if stats.gaps == 1 { "" } else { "s" },
            stats.elapsed.as_secs_f64()
        );
    }
    Ok((snapshot, stats))
}

pub fn run(args: &CollectArgs) -> anyhow::Result<ExitCode> {
    let (snapshot, stats) = collect(&args.aws)?;
    let mut bytes = serde_json::to_vec_pretty(&snapshot)?;
    bytes.push(b'\n');
    write_output(args.output.as_deref(), &bytes).context("the snapshot was not written")?;
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
