//! The configuration file (waivers, attestations, parameters).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = posture_audit::config::parse(text, Path::new("audit.toml"));
});
