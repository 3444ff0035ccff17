//! What AWS settings mean, as plain functions over the snapshot model: IAM
//! policy documents and role trust, network addresses, secrets in configuration, S3 origins,
//! HTTP headers, EC2 user data encodings. No CEL and no joins: [`crate::prepare`] and the CEL helpers
//! ([`crate::cel`]) call these, so that each fact about AWS is written once.

pub mod http;
pub mod iam_policy;
pub mod log_filter;
pub mod network;
pub mod s3;
pub mod schedule;
pub mod secrets;
pub mod trust;
pub mod user_data;
