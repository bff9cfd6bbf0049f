//! Valid modules from wasm-smith run in ward: see `ward_fuzz::execute`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ward_fuzz::execute(data);
});
