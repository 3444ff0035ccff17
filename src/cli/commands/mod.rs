//! One file per subcommand; each is a leaf over [`super::pipeline`].

#[cfg(feature = "aws")]
pub mod collect;
pub mod compliance;
pub mod config;
pub mod diff;
pub mod merge;
#[cfg(feature = "aws")]
pub mod org;
pub mod probe;
pub mod rules;
pub mod scan;
pub mod schema;
