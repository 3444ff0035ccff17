//! What AWS settings mean, on account data chosen by whoever controls the
//! account: policy documents, CIDRs, secrets, HSTS, user data, metric
//! filter patterns, schedules.
#![no_main]
use libfuzzer_sys::fuzz_target;
use posture_audit::semantics::{http, iam_policy, log_filter, network, schedule, secrets, user_data};

fuzz_target!(|data: &[u8]| {
    let _ = user_data::decode(data);
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) {
        let statements = iam_policy::normalise(&doc);
        let _ = iam_policy::allows_public(&statements);
    }
    let _ = network::parse_cidr(text);
    let _ = secrets::looks_like_secret(text, text);
    let _ = secrets::mask(text);
    let _ = secrets::scan_text(text);
    let _ = http::parse_hsts(text);
    let _ = log_filter::parse(text);
    let _ = schedule::interval_days(text);
    let _ = user_data::decode_base64(Some(text));
});
