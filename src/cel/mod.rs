//! The CEL runtime rules run in: the shared environment with its helper
//! functions ([`functions`]), the map type every resource becomes
//! ([`shared_map`]), and the conversions into CEL values ([`serialize`] for
//! any `Serialize` value, [`json`] for JSON and back).

pub mod functions;
pub mod json;
pub mod serialize;
pub mod shared_map;
