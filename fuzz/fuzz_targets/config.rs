//! `readiness.toml` validation: any text is a value or an error naming a
//! line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cargo_readiness::config::load_file(std::path::Path::new("readiness.toml"), text);
    }
});
