//! Arbitrary bytes through loading and validation: see `ward_fuzz::load`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ward_fuzz::load(data);
});
