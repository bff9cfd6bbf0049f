//! Valid modules from wasm-smith run in ward and in wasmi: see `ward_fuzz::differential`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ward_fuzz::differential(data);
});
