//! Rule files: TOML parsing, validation and CEL compilation.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = posture_audit::rules::compile(Path::new("fuzz.toml"), text);
});
