//! Accounts files of organization scans.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = posture_audit::snapshot::accounts::parse_accounts(text, Path::new("accounts.json"));
});
