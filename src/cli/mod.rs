//! The command line: flags ([`args`]) are merged with the configuration
//! once ([`settings`]), every auditing command runs the one [`pipeline`]
//! (load → probe → save → prepare → evaluate → render → gate), and each
//! subcommand is one file under [`commands`]. The only place that prints,
//! reads the environment or decides exit codes.
//!
//! Exit codes: 0 nothing failing at or above `--fail-on`; 1 failing findings
//! at or above it; 2 usage, input or configuration error; 130 interrupted
//! (Ctrl-C) during collection, nothing written.

pub mod args;
pub mod commands;
pub mod output;
pub mod pipeline;
pub mod settings;

use args::{Cli, Command, ComplianceCommand, ConfigCommand};
use clap::Parser;
use std::process::ExitCode;

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout with exit 0, usage errors
            // to stderr with exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let Some(command) = cli.command else {
        #[cfg(feature = "aws")]
        return finish(commands::scan::run_live(&cli.live));
        #[cfg(not(feature = "aws"))]
        {
            use clap::CommandFactory as _;
            let _ = Cli::command().print_help();
            eprintln!(
                "\nerror: this build has no live collection (cargo feature `aws`); use `audit scan --snapshot FILE`"
            );
            return ExitCode::from(2);
        }
    };
    finish(match command {
        Command::Scan(args) => commands::scan::run(&args),
        Command::Plan(args) => commands::scan::run_plan(&args.plan, &args.plan_options, &args.audit),
        #[cfg(feature = "aws")]
        Command::Collect(args) => commands::collect::run(&args),
        Command::Probe(args) => commands::probe::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::Compliance(ComplianceCommand::List) => commands::compliance::list(),
        Command::Config(ConfigCommand::Check { config }) => commands::config::check(config.as_deref()),
        Command::Rules(command) => commands::rules::run(&command),
        #[cfg(feature = "aws")]
        Command::Org(args::OrgCommand::Discover(args)) => commands::org::discover(&args),
        #[cfg(feature = "aws")]
        Command::Org(args::OrgCommand::Scan(args)) => commands::org::scan(&args),
        Command::Merge(args) => commands::merge::run(&args),
        Command::Render(args) => commands::merge::render(&args),
        Command::Schema { which } => commands::schema::print(which),
    })
}

/// A run stopped by Ctrl-C (SIGINT) before it wrote anything.
#[derive(Debug, thiserror::Error)]
#[error("interrupted: nothing was written")]
pub struct Interrupted;

/// The exit code of a command's result; errors are printed with their causes.
fn finish(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            if e.downcast_ref::<Interrupted>().is_some() {
                eprintln!("{e}");
                // 128 + SIGINT, as shells report a process ended by Ctrl-C.
                return ExitCode::from(130);
            }
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}
