//! posture-audit: audits the security posture of an AWS account.
//!
//! Data flows one way: an account [`snapshot`] (collected live or read from a
//! file) is [`prepare`]d (derived fields and joins computed once), the
//! [`rules`] are evaluated against it by the [`engine`], and the resulting
//! report is written by one of the [`report`] formats.

pub mod cli;
#[cfg(feature = "aws")]
pub mod collect;
pub mod compliance;
pub mod config;
pub mod engine;
pub mod prepare;
pub mod probe;
pub mod report;
pub mod rules;
pub mod snapshot;
