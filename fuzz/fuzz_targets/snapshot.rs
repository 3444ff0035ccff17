//! Snapshot loading and, when a snapshot loads, preparing it for evaluation.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(snapshot) = posture_audit::snapshot::parse(text, Path::new("fuzz.json")) {
        let _ = posture_audit::prepare::prepare(&snapshot);
    }
});
