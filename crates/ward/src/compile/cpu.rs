//! Which CPU features this machine has, for the loader's check of an artifact.
//!
//! On x86-64 the answer comes from CPUID, read here one leaf at a time and only for the
//! leaves the features asked about live in. The standard library's detection reads every
//! leaf it knows at its first use; in a virtual machine each CPUID exits to the
//! hypervisor (7.4 µs each on the machine the startup figures in bench/README.md come
//! from), and that first use cost `ward run` of a small artifact a twentieth of its
//! time. An artifact for the baseline CPU needs leaf 1 alone.

/// Whether this machine's CPU has `feature` (a name of `engine_target`'s, such as
/// `has_sse41`); `None` when ward does not know the feature.
#[cfg(target_arch = "x86_64")]
pub(crate) fn host_has(feature: &str) -> Option<bool> {
    use x86::{leaf1, leaf7, leaf7_1, leaf_ext1, os_saves, AVX512_STATE, AVX_STATE};
    let bit = |reg: u32, n: u32| reg & (1 << n) != 0;
    let avx = || os_saves(AVX_STATE);
    let avx512 = || os_saves(AVX512_STATE);
    Some(match feature {
        "has_sse3" => bit(leaf1().ecx, 0),
        "has_ssse3" => bit(leaf1().ecx, 9),
        "has_fma" => bit(leaf1().ecx, 12) && avx(),
        "has_cmpxchg16b" => bit(leaf1().ecx, 13),
        "has_sse41" => bit(leaf1().ecx, 19),
        "has_sse42" => bit(leaf1().ecx, 20),
        "has_popcnt" => bit(leaf1().ecx, 23),
        "has_avx" => bit(leaf1().ecx, 28) && avx(),
        "has_bmi1" => bit(leaf7().ebx, 3),
        "has_avx2" => bit(leaf7().ebx, 5) && avx(),
        "has_bmi2" => bit(leaf7().ebx, 8),
        "has_avx512f" => bit(leaf7().ebx, 16) && avx512(),
        "has_avx512dq" => bit(leaf7().ebx, 17) && avx512(),
        "has_avx512vl" => bit(leaf7().ebx, 31) && avx512(),
        "has_avx512vbmi" => bit(leaf7().ecx, 1) && avx512(),
        "has_avx512vnni" => bit(leaf7().ecx, 11) && avx512(),
        "has_avx512bitalg" => bit(leaf7().ecx, 12) && avx512(),
        "has_avx_vnni" => bit(leaf7_1().eax, 4) && avx(),
        "has_lzcnt" => bit(leaf_ext1().ecx, 5),
        _ => return None,
    })
}

/// Whether this machine's CPU has `feature` (a name of `engine_target`'s); `None` when
/// ward does not know the feature.
#[cfg(target_arch = "aarch64")]
pub(crate) fn host_has(feature: &str) -> Option<bool> {
    use std::arch::is_aarch64_feature_detected as has;
    Some(match feature {
        "has_lse" => has!("lse"),
        "has_pauth" => has!("paca"),
        "has_fp16" => has!("fp16"),
        _ => return None,
    })
}

/// Whether this machine's CPU has `feature`: ward knows no feature of this architecture.
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(crate) fn host_has(feature: &str) -> Option<bool> {
    let _ = feature;
    None
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{__cpuid, __cpuid_count, CpuidResult};
    use std::sync::OnceLock;

    /// The register state (XCR0 bits) the OS saves for AVX: SSE and AVX.
    pub(super) const AVX_STATE: u64 = 0b110;
    /// ... and for AVX-512 as well: the opmask registers and the upper halves and upper
    /// sixteen of the ZMM registers.
    pub(super) const AVX512_STATE: u64 = 0b1110_0110;

    const NONE: CpuidResult = CpuidResult {
        eax: 0,
        ebx: 0,
        ecx: 0,
        edx: 0,
    };

    /// Leaf `leaf`, subleaf `sub`, read once per process; zeros past the CPU's highest
    /// leaf of its range (a CPU answers such a leaf with another leaf's data).
    fn cached(cell: &'static OnceLock<CpuidResult>, leaf: u32, sub: u32) -> CpuidResult {
        *cell.get_or_init(|| {
            let range = leaf & 0x8000_0000;
            if leaf != 1 && __cpuid(range).eax < leaf {
                return NONE;
            }
            __cpuid_count(leaf, sub)
        })
    }

    /// Leaf 1, the features of SSE3 to AVX (every x86-64 CPU has the leaf).
    pub(super) fn leaf1() -> CpuidResult {
        static LEAF: OnceLock<CpuidResult> = OnceLock::new();
        cached(&LEAF, 1, 0)
    }

    /// Leaf 7, subleaf 0: BMI, AVX2, AVX-512.
    pub(super) fn leaf7() -> CpuidResult {
        static LEAF: OnceLock<CpuidResult> = OnceLock::new();
        cached(&LEAF, 7, 0)
    }

    /// Leaf 7, subleaf 1: AVX-VNNI.
    pub(super) fn leaf7_1() -> CpuidResult {
        static LEAF: OnceLock<CpuidResult> = OnceLock::new();
        cached(&LEAF, 7, 1)
    }

    /// Extended leaf 1: LZCNT.
    pub(super) fn leaf_ext1() -> CpuidResult {
        static LEAF: OnceLock<CpuidResult> = OnceLock::new();
        cached(&LEAF, 0x8000_0001, 0)
    }

    /// Whether the OS saves and restores the register state `state` (XCR0 bits) across
    /// context switches: without it a CPU's AVX or AVX-512 cannot be used.
    pub(super) fn os_saves(state: u64) -> bool {
        // OSXSAVE: the OS has enabled XGETBV and XCR0.
        if leaf1().ecx & (1 << 27) == 0 {
            return false;
        }
        #[target_feature(enable = "xsave")]
        fn xcr0() -> u64 {
            // SAFETY: XGETBV of register 0 is defined whenever OSXSAVE is set (checked
            // by the caller), and reads no memory.
            unsafe { std::arch::x86_64::_xgetbv(0) }
        }
        // SAFETY: OSXSAVE set means the CPU has XSAVE, the feature `xcr0` enables.
        unsafe { xcr0() & state == state }
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::host_has;

    /// Every feature an artifact can name, answered as the standard library's detection
    /// answers it.
    #[test]
    fn x86_64_features_agree_with_the_standard_library() {
        use std::arch::is_x86_feature_detected as has;
        let expected = [
            ("has_sse3", has!("sse3")),
            ("has_ssse3", has!("ssse3")),
            ("has_fma", has!("fma")),
            ("has_cmpxchg16b", has!("cmpxchg16b")),
            ("has_sse41", has!("sse4.1")),
            ("has_sse42", has!("sse4.2")),
            ("has_popcnt", has!("popcnt")),
            ("has_avx", has!("avx")),
            ("has_bmi1", has!("bmi1")),
            ("has_avx2", has!("avx2")),
            ("has_bmi2", has!("bmi2")),
            ("has_avx512f", has!("avx512f")),
            ("has_avx512dq", has!("avx512dq")),
            ("has_avx512vl", has!("avx512vl")),
            ("has_avx512vbmi", has!("avx512vbmi")),
            ("has_avx512vnni", has!("avx512vnni")),
            ("has_avx512bitalg", has!("avx512bitalg")),
            ("has_avx_vnni", has!("avxvnni")),
            ("has_lzcnt", has!("lzcnt")),
        ];
        for (feature, std) in expected {
            assert_eq!(host_has(feature), Some(std), "{feature}");
        }
        assert_eq!(host_has("has_sse9"), None);
    }
}
