//! Producers of snapshots. Each source depends only on the model
//! ([`crate::snapshot`]), [`crate::semantics`] and the utilities below them,
//! and never decides pass or fail:
//!
//! - [`aws`]: live collection through the AWS SDK (cargo feature `aws`);
//! - [`probe`]: HTTP endpoints probed on the wire;
//! - [`terraform`]: Terraform plans (`terraform show -json`).

#[cfg(feature = "aws")]
pub mod aws;
pub mod probe;
pub mod terraform;
