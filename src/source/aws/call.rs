//! How a collector calls AWS: every call counted, every failure a gap
//! (never a silent omission), "not configured" answers told apart from
//! failures. The macros are used by every collector module.

use crate::snapshot::Gap;
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};

/// One call: counted; a failure becomes a gap for `kinds` (or, with
/// `resource = ID`, for that one resource) and yields `None`. With
/// `absent = "Code"`, that error code means "not configured" (no bucket
/// policy, no password policy): data, not a gap, and also `None`.
macro_rules! call {
    ($part:expr, $service:expr, $region:expr, $operation:literal, $kinds:expr, resource = $id:expr, absent = $code:literal, $request:expr) => {{
        $part.calls += 1;
        match $request.send().await {
            Ok(out) => Some(out),
            Err(e) if aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&e) == Some($code) => None,
            Err(e) => {
                $part.gaps.push($crate::source::aws::call::resource_gap(
                    $service, $region, $operation, $kinds, $id, &e,
                ));
                None
            }
        }
    }};
    ($part:expr, $service:expr, $region:expr, $operation:literal, $kinds:expr, absent = $code:literal, $request:expr) => {{
        $part.calls += 1;
        match $request.send().await {
            Ok(out) => Some(out),
            Err(e) if aws_smithy_types::error::metadata::ProvideErrorMetadata::code(&e) == Some($code) => None,
            Err(e) => {
                $part.gaps.push($crate::source::aws::call::gap(
                    $service, $region, $operation, $kinds, &e,
                ));
                None
            }
        }
    }};
    ($part:expr, $service:expr, $region:expr, $operation:literal, $kinds:expr, resource = $id:expr, $request:expr) => {{
        $part.calls += 1;
        match $request.send().await {
            Ok(out) => Some(out),
            Err(e) => {
                $part.gaps.push($crate::source::aws::call::resource_gap(
                    $service, $region, $operation, $kinds, $id, &e,
                ));
                None
            }
        }
    }};
    ($part:expr, $service:expr, $region:expr, $operation:literal, $kinds:expr, $request:expr) => {{
        $part.calls += 1;
        match $request.send().await {
            Ok(out) => Some(out),
            Err(e) => {
                $part.gaps.push($crate::source::aws::call::gap(
                    $service, $region, $operation, $kinds, &e,
                ));
                None
            }
        }
    }};
}

/// Follows a paginator to the end, mapping each item; the first failure
/// becomes a gap for `kinds` and ends that listing.
macro_rules! each_item {
    ($part:expr, $service:expr, $region:expr, $operation:literal, $kinds:expr, $request:expr, |$item:ident| $map:expr) => {{
        $part.calls += 1;
        let mut pages = $request.into_paginator().items().send();
        let mut out = Vec::new();
        while let Some(item) = pages.next().await {
            match item {
                Ok($item) => out.push($map),
                Err(e) => {
                    $part.gaps.push($crate::source::aws::call::gap(
                        $service, $region, $operation, $kinds, &e,
                    ));
                    break;
                }
            }
        }
        out
    }};
}

/// Every page of a paginated call, each counted; the first failure becomes a
/// gap for `kinds` and ends the listing.
macro_rules! each_page {
    ($part:expr, $service:expr, $region:expr, $operation:literal, $kinds:expr, $request:expr) => {{
        let mut pages = $request.into_paginator().send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            $part.calls += 1;
            match page {
                Ok(page) => out.push(page),
                Err(e) => {
                    $part.gaps.push($crate::source::aws::call::gap(
                        $service, $region, $operation, $kinds, &e,
                    ));
                    break;
                }
            }
        }
        out
    }};
}

/// An error and its causes, each once, joined with ": " (the SDK's own
/// top-level message for a credentials failure is just "dispatch failure").
pub fn cause_chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// A gap from a failed call. The code is the service's error code
/// (`AccessDenied`, `Throttling`, ...), or what went wrong on the way:
/// `Timeout`, `DispatchFailure` (no connection), `HTTP 500` (an error
/// answer without a code).
pub fn gap<E>(service: &str, region: &str, operation: &str, kinds: &[&str], error: &SdkError<E, HttpResponse>) -> Gap
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let code = match error {
        SdkError::ServiceError(e) => e
            .err()
            .code()
            .map_or_else(|| format!("HTTP {}", e.raw().status().as_u16()), String::from),
        SdkError::TimeoutError(_) => "Timeout".into(),
        SdkError::DispatchFailure(d) if d.is_timeout() => "Timeout".into(),
        SdkError::DispatchFailure(_) => "DispatchFailure".into(),
        SdkError::ResponseError(r) => format!("HTTP {}", r.raw().status().as_u16()),
        _ => "Unknown".into(),
    };
    Gap {
        service: service.into(),
        region: region.into(),
        operation: operation.into(),
        code,
        message: error.message().map_or_else(|| cause_chain(error), String::from),
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        resource_id: None,
        fields: Vec::new(),
    }
}

/// A gap for one resource (a bucket, a trail): the rest of its kind is fine.
pub fn resource_gap<E>(
    service: &str,
    region: &str,
    operation: &str,
    kinds: &[&str],
    resource_id: &str,
    error: &SdkError<E, HttpResponse>,
) -> Gap
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    Gap {
        resource_id: Some(resource_id.into()),
        ..gap(service, region, operation, kinds, error)
    }
}

/// A gap that no SDK error describes (a report never ready, a row missing,
/// a collector that panicked).
pub fn note(service: &str, region: &str, operation: &str, code: &str, message: String, kinds: &[&str]) -> Gap {
    Gap {
        service: service.into(),
        region: region.into(),
        operation: operation.into(),
        code: code.into(),
        message,
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        resource_id: None,
        fields: Vec::new(),
    }
}
