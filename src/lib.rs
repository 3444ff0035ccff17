//! posture-audit: audits the security posture of an AWS account.
//!
//! Data flows one way: an account [`snapshot`] (collected live, probed on
//! the wire, or read from a file; see [`source`]) is [`prepare`]d (derived
//! fields and joins computed once), the [`rules`] are evaluated against it by
//! the [`engine`], and the resulting report is written by one of the
//! [`report`] formats.
//!
//! # Layers
//!
//! Each module may use only the modules to its left (and itself); the test
//! `tests/layers.rs` reads every `crate::` path in `src/` and fails on a
//! back-reference:
//!
//! ```text
//! diag, glob ← snapshot ← semantics ← cel ← prepare ← rules ← engine ← report ← config ← cli
//!                  ↑
//!               source/{aws, probe}  (snapshot, semantics, diag, glob only)
//! ```
//!
//! - [`diag`], [`glob`]: positions in input files, glob patterns.
//! - [`snapshot`]: the versioned model and its loader.
//! - [`semantics`]: what AWS settings mean (IAM policies, CIDRs, secrets, S3
//!   origins, HSTS), as plain functions over the model; no CEL.
//! - [`cel`]: the CEL runtime: environment, helper functions, conversions.
//! - [`prepare`]: derived fields and joins, one typed step per kind.
//! - [`rules`]: rule files compiled into CEL programs.
//! - [`engine`]: evaluation, waivers, diffs, rule examples.
//! - [`report`]: output formats and compliance views.
//! - [`config`]: the configuration file.
//! - [`source`]: producers of snapshots (the AWS collector, the HTTP probe);
//!   they never decide pass or fail.
//! - [`cli`]: flags, settings, the one pipeline, one file per subcommand.

pub mod cel;
pub mod cli;
pub mod config;
pub mod diag;
pub mod engine;
pub mod glob;
pub mod prepare;
pub mod report;
pub mod rules;
pub mod semantics;
pub mod snapshot;
pub mod source;
