//! Damaged artifacts through `Module::deserialize`: see `ward_fuzz::deserialize`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ward_fuzz::deserialize(data);
});
