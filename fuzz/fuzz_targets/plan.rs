//! Terraform plan reading: parse, map, resolve references.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = posture_audit::source::terraform::Options {
        tf_dir: Some("/nonexistent".into()),
        ..Default::default()
    };
    let _ = posture_audit::source::terraform::parse(text, Path::new("fuzz.json"), &options);
});
