//! Artifacts: a module and its compiled code written to bytes
//! ([`Module::serialize`], `ward compile`) and loaded back without compiling
//! ([`Module::deserialize`], [`Module::deserialize_file`]).
//!
//! # Trust
//!
//! An artifact's code runs as it is, like the code of a native library: loading one is
//! `unsafe`, and only artifacts from a trusted source should be loaded. Everything
//! around the code is still read defensively, so that an artifact that is truncated,
//! corrupted or made for another ward, machine or configuration is refused with an error
//! naming what is wrong, never run:
//!
//! - the magic, then the format version;
//! - a checksum of every byte after it, code included (it detects accidents such as a
//!   truncated copy or a flipped bit, not tampering);
//! - ward's version and build id (a hash of the sources that compiled the code, whose
//!   layouts and runtime functions the code relies on), and the target triple;
//! - every CPU feature the code may use, against this machine's CPU;
//! - every setting that changed the code, against the loading engine's: how memory
//!   accesses are bounds-checked, fuel, interruption, the enabled wasm features;
//! - the layout: sections inside the file, tables inside the code, counts that match
//!   the module, which is itself validated again (without its function bodies, which
//!   the artifact leaves out: its code is what runs).
//!
//! # Format (version 2)
//!
//! Little-endian. Strings are a `u32` length and UTF-8 bytes; lists a `u32` count and
//! their items. A *delta* is the difference from the same field of the entry before (of
//! 0 for the first), zigzag-encoded and written as an unsigned LEB128: the offsets of
//! trap sites and wasm offsets grow by a few bytes from entry to entry, and take one or
//! two bytes each instead of four.
//!
//! | offset | what |
//! |---|---|
//! | 0 | magic, `\0wardaot` |
//! | 8 | `u32` format version |
//! | 12 | `u32` zero |
//! | 16 | `u64` checksum of bytes 24 to the end (see [`Checksum`]) |
//! | 24 | `u64` code offset (a multiple of [`CODE_ALIGN`]), `u64` code length |
//! | 40 | header: ward version, build id, target, CPU name, CPU features (list), bounds checks (`u8` 0 explicit, 1 guard pages, then `u64` guard size), fuel (`u8`), interruption (`u8`), wasm features (list), stack checks |
//! | | wasm: `u64` length and the module's binary, each function body replaced by `unreachable` (the code stands for them) |
//! | | functions (`u32` start, `u32` length), trap sites (delta offset, `u8` kind), wasm offsets (delta code offset, delta wasm offset), trampolines (`u32` array-to-wasm, `u32` wasm-to-array), relocations (`u32` offset, `u8` kind, `u8` target kind, `u32` target, `i64` addend) |
//! | code offset | the code, with every relocation applied for address 0 |
//!
//! Only the relocations the loader must write are listed: those of ward's runtime
//! functions and of absolute addresses. A relative call between functions of the code
//! is the same wherever the code is mapped, and is written once, in the code.
//!
//! The file ends with the code: a file of another length is refused.

// Without the `cranelift` feature, the parts of this module that make or load native
// code have no user.
#![cfg_attr(not(feature = "cranelift"), allow(dead_code))]

use crate::prelude::*;
use core::fmt;
#[cfg(feature = "std")]
use std::path::Path;

use crate::error::{Error, Result, TrapKind};
use crate::Module;

/// The first bytes of every artifact.
pub(crate) const MAGIC: [u8; 8] = *b"\0wardaot";

/// The version of the format this ward writes and reads.
const FORMAT_VERSION: u32 = 2;

/// The code's offset in the file is a multiple of this, which is a multiple of the
/// page size on the platforms ward compiles for, so that the code can be mapped from
/// the file instead of read.
const CODE_ALIGN: usize = 4096;

/// The fixed part before the header: magic, version, zero, checksum, code offset and
/// length.
const FIXED_LEN: usize = 40;

/// Where the checksummed bytes begin.
const CHECKSUMMED_FROM: usize = 24;

/// How the stack is checked in compiled code: what artifacts of this ward say.
const STACK_CHECKS: &str = "prologue limit check, frames over a page probed";

/// The trap kinds a trap site may have, numbered by their place here (0 is a failed
/// runtime call): the list only ever grows at its end.
const TRAP_KINDS: [TrapKind; 14] = [
    TrapKind::StackOverflow,
    TrapKind::IntegerOverflow,
    TrapKind::MemoryOutOfBounds,
    TrapKind::IntegerDivisionByZero,
    TrapKind::BadConversionToInteger,
    TrapKind::Unreachable,
    TrapKind::TableOutOfBounds,
    TrapKind::UndefinedElement,
    TrapKind::UninitializedElement,
    TrapKind::IndirectCallTypeMismatch,
    TrapKind::OutOfFuel,
    TrapKind::Interrupted,
    TrapKind::NullReference,
    TrapKind::NullFunctionReference,
];

/// What an artifact says about itself: who compiled it, for which machine and with
/// which settings. [`ArtifactHeader::parse`] reads it without loading the artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactHeader {
    /// The version of the artifact format.
    pub format_version: u32,
    /// The version of ward that compiled it.
    pub ward_version: String,
    /// The build of ward that compiled it: a hash of its sources.
    pub build_id: String,
    /// The target triple of the code, such as `x86_64-unknown-linux-gnu`.
    pub target: String,
    /// The CPU the code was compiled for, as asked: `baseline`, `native`, or a name.
    pub cpu: String,
    /// The CPU features the code may use (Cranelift's names, such as `has_sse41`).
    pub cpu_features: Vec<String>,
    /// The guard after each memory that the code's accesses rely on instead of bounds
    /// checks; `None` when every access checks its bounds.
    pub guard_pages: Option<u64>,
    /// Whether the code meters fuel.
    pub fuel: bool,
    /// Whether the code checks for interruption.
    pub interruptible: bool,
    /// The wasm features the module was validated with.
    pub wasm_features: Vec<String>,
    /// How the code checks the native stack.
    pub stack_checks: String,
    /// The size of the module's binary in bytes.
    pub wasm_size: u64,
    /// The size of the code in bytes.
    pub code_size: u64,
}

impl ArtifactHeader {
    /// Reads the header of the artifact `bytes` (only as many bytes as the header
    /// takes are needed). Checks the magic and the format version, not the checksum.
    ///
    /// # Errors
    ///
    /// [`Error::Compile`] when `bytes` are not an artifact of this format (naming what
    /// they are instead, when ward recognises it) or the header is truncated.
    pub fn parse(bytes: &[u8]) -> Result<ArtifactHeader> {
        let mut reader = Reader::new(bytes);
        let (_, code_len) = reader.fixed()?;
        let header = reader.header(code_len)?;
        Ok(header.value)
    }

    /// A configuration with the settings that changed the artifact's code: an engine
    /// made from it loads the artifact (where the build of ward and the machine match
    /// too). Its strategy is [`Strategy::Cranelift`](crate::Strategy::Cranelift), its
    /// other settings the defaults.
    pub fn config(&self) -> crate::Config {
        let mut config = crate::Config::new();
        config
            .strategy(crate::Strategy::Cranelift)
            .consume_fuel(self.fuel)
            .interruptible(self.interruptible);
        match self.guard_pages {
            Some(guard) => config.memory_guard_size(guard),
            None => config.memory_reservation(0),
        };
        config.features = self
            .wasm_features
            .iter()
            .filter_map(|name| wasmparser::WasmFeatures::from_name(&name.to_ascii_uppercase()))
            .fold(wasmparser::WasmFeatures::empty(), |all, f| all | f);
        config
    }

    /// Writes the checksum of the artifact `bytes` anew, after some of its bytes were
    /// changed on purpose: for fuzzing the checks that the checksum stands in front of.
    /// Whatever the bytes hold then loads as trusted code would; not for anything else.
    #[doc(hidden)]
    pub fn reseal(bytes: &mut [u8]) {
        if bytes.len() < CHECKSUMMED_FROM {
            return;
        }
        let mut checksum = Checksum::new();
        checksum.update(&bytes[CHECKSUMMED_FROM..]);
        let sum = checksum.finish(bytes.len() - CHECKSUMMED_FROM);
        bytes[16..24].copy_from_slice(&sum.to_le_bytes());
    }

    /// The header an artifact of `module`, compiled by `engine`, gets.
    #[cfg(feature = "cranelift")]
    fn of(module: &Module, wasm_size: usize, code_size: usize) -> Result<ArtifactHeader> {
        let engine = module.engine();
        let config = engine.config();
        let (target, cpu_features) = crate::compile::engine_target(engine)?;
        let style = module.inner.memory_style().ok_or_else(not_compiled)?;
        Ok(ArtifactHeader {
            format_version: FORMAT_VERSION,
            ward_version: env!("CARGO_PKG_VERSION").to_owned(),
            build_id: build_id(),
            target,
            cpu: config.get_target_cpu().to_string(),
            cpu_features,
            guard_pages: guard_pages(style),
            fuel: config.consume_fuel,
            interruptible: config.interruptible,
            wasm_features: wasm_features(config.features),
            stack_checks: STACK_CHECKS.to_owned(),
            wasm_size: wasm_size as u64,
            code_size: code_size as u64,
        })
    }
}

impl fmt::Display for ArtifactHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on = |b: bool| if b { "on" } else { "off" };
        writeln!(f, "format version: {}", self.format_version)?;
        writeln!(f, "ward version:   {}", self.ward_version)?;
        writeln!(f, "build id:       {}", self.build_id)?;
        writeln!(f, "target:         {}", self.target)?;
        writeln!(f, "cpu:            {}", self.cpu)?;
        let features: Vec<&str> = self
            .cpu_features
            .iter()
            .map(|f| f.strip_prefix("has_").unwrap_or(f))
            .collect();
        writeln!(
            f,
            "cpu features:   {}",
            if features.is_empty() {
                "none beyond the architecture's base".to_owned()
            } else {
                features.join(" ")
            }
        )?;
        match self.guard_pages {
            Some(guard) => writeln!(f, "bounds checks:  none, guard pages of {guard} bytes")?,
            None => writeln!(f, "bounds checks:  explicit")?,
        }
        writeln!(f, "fuel:           {}", on(self.fuel))?;
        writeln!(f, "interruption:   {}", on(self.interruptible))?;
        writeln!(f, "wasm features:  {}", self.wasm_features.join(" "))?;
        writeln!(f, "stack checks:   {}", self.stack_checks)?;
        writeln!(f, "wasm size:      {} bytes", self.wasm_size)?;
        write!(f, "code size:      {} bytes", self.code_size)
    }
}

/// The build id of this ward: a hash of its sources, and the code generator's version.
fn build_id() -> String {
    #[cfg(feature = "cranelift")]
    let generator = cranelift_codegen::VERSION;
    #[cfg(not(feature = "cranelift"))]
    let generator = "none";
    format!("{}-cranelift-{generator}", env!("WARD_BUILD_ID"))
}

fn guard_pages(style: crate::vm::MemoryStyle) -> Option<u64> {
    match style {
        crate::vm::MemoryStyle::Static { guard } => Some(guard),
        crate::vm::MemoryStyle::Dynamic => None,
    }
}

fn wasm_features(features: wasmparser::WasmFeatures) -> Vec<String> {
    features
        .iter_names()
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect()
}

/// The error of what needs the compiled tier in a build without it.
#[cfg(not(feature = "cranelift"))]
pub(crate) fn no_compiled_tier() -> Error {
    Error::Compile {
        message: "this build of ward has no compiled tier (the `cranelift` feature)".into(),
        offset: 0,
    }
}

fn not_compiled() -> Error {
    Error::Other(
        "the module's functions are not compiled: load it with Strategy::Cranelift (or \
         Strategy::Auto, where every function compiles) to write an artifact"
            .into(),
    )
}

/// An error about an artifact, at byte `offset` of it.
fn artifact_error(message: impl fmt::Display, offset: usize) -> Error {
    Error::Compile {
        message: format!("artifact: {message}"),
        offset,
    }
}

/// What `bytes`, which are not a ward artifact, are, as far as ward recognises them.
fn what_else(bytes: &[u8]) -> String {
    if bytes.starts_with(b"\0asm") {
        "this is a WebAssembly binary module, not an artifact: load it with Module::new \
         (`ward run` runs it, `ward compile` makes an artifact of it)"
            .to_owned()
    } else {
        foreign(bytes).unwrap_or_else(|| "not a ward artifact (its magic is missing)".to_owned())
    }
}

/// What `bytes` are when they are a compiled form that ward does not load: another
/// runtime's precompiled module, or a native binary.
pub(crate) fn foreign(bytes: &[u8]) -> Option<String> {
    let elf_section = |name: &[u8]| {
        bytes
            .windows(name.len())
            .take(1 << 20)
            .any(|window| window == name)
    };
    if bytes.starts_with(b"\x7fELF") && elf_section(b".wasmtime.engine") {
        Some(
            "this is a wasmtime precompiled module (.cwasm): only wasmtime loads it; compile \
             the .wasm with `ward compile` instead"
                .to_owned(),
        )
    } else if bytes.starts_with(b"\0aot") {
        Some(
            "this is a WAMR AOT module (.aot, made by wamrc): only WAMR loads it; compile the \
             .wasm with `ward compile` instead"
                .to_owned(),
        )
    } else if bytes.starts_with(b"\x7fELF") {
        Some("this is an ELF file (a native program or library), not WebAssembly".to_owned())
    } else {
        None
    }
}

/// The checksum of artifacts: a multiply-rotate hash over 8-byte words, fed in pieces
/// whose lengths are multiples of 8 but for the last. Changing any one word always
/// changes it, since each step is a bijection of the state for a given word.
#[derive(Clone, Copy)]
struct Checksum(u64);

impl Checksum {
    const MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;

    fn new() -> Checksum {
        Checksum(0x243f_6a88_85a3_08d3)
    }

    fn update(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::MULTIPLIER);
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            last[7] ^= 0x80 | rest.len() as u8;
            self.update(&last);
        }
    }

    fn finish(self, len: usize) -> u64 {
        (self.0.rotate_left(5) ^ len as u64).wrapping_mul(Self::MULTIPLIER)
    }
}

/// Appends little-endian fields to an artifact.
struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, value: u8) {
        self.0.push(value);
    }

    fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn len(&mut self, len: usize) {
        self.u32(u32::try_from(len).expect("artifact tables have fewer than 2^32 entries"));
    }

    /// `value` as an unsigned LEB128.
    fn leb(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push(value as u8 | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    /// `value` as a delta from `*prev` (see the format), which becomes `value`.
    fn delta(&mut self, prev: &mut u32, value: u32) {
        let delta = i64::from(value) - i64::from(*prev);
        self.leb(((delta << 1) ^ (delta >> 63)) as u64);
        *prev = value;
    }

    fn str(&mut self, value: &str) {
        self.len(value.len());
        self.0.extend_from_slice(value.as_bytes());
    }

    fn strs(&mut self, values: &[String]) {
        self.len(values.len());
        for value in values {
            self.str(value);
        }
    }

    fn header(&mut self, header: &ArtifactHeader) {
        self.str(&header.ward_version);
        self.str(&header.build_id);
        self.str(&header.target);
        self.str(&header.cpu);
        self.strs(&header.cpu_features);
        match header.guard_pages {
            Some(guard) => {
                self.u8(1);
                self.u64(guard);
            }
            None => self.u8(0),
        }
        self.u8(u8::from(header.fuel));
        self.u8(u8::from(header.interruptible));
        self.strs(&header.wasm_features);
        self.str(&header.stack_checks);
    }
}

/// A value read from an artifact, with the offset where it starts (for errors).
struct At<T> {
    value: T,
    offset: usize,
}

/// Reads little-endian fields of an artifact, each checked against the bytes left.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, pos: 0 }
    }

    fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8]> {
        let left = self.bytes.len() - self.pos;
        if len > left {
            return Err(artifact_error(
                format!("truncated: {what} needs {len} bytes, {left} are left"),
                self.pos,
            ));
        }
        let bytes = &self.bytes[self.pos..self.pos + len];
        self.pos += len;
        Ok(bytes)
    }

    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.take(1, what)?[0])
    }

    fn bool(&mut self, what: &str) -> Result<bool> {
        let at = self.pos;
        match self.u8(what)? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(artifact_error(format!("{what} is {other}, not 0 or 1"), at)),
        }
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        let bytes = self.take(4, what)?;
        Ok(u32::from_le_bytes(bytes.try_into().expect("4 bytes")))
    }

    fn u64(&mut self, what: &str) -> Result<u64> {
        let bytes = self.take(8, what)?;
        Ok(u64::from_le_bytes(bytes.try_into().expect("8 bytes")))
    }

    fn i64(&mut self, what: &str) -> Result<i64> {
        Ok(self.u64(what)? as i64)
    }

    /// An unsigned LEB128 of at most 64 bits.
    fn leb(&mut self, what: &str) -> Result<u64> {
        let at = self.pos;
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let Some(&byte) = self.bytes.get(self.pos) else {
                return Err(artifact_error(format!("truncated: {what}"), at));
            };
            self.pos += 1;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                break;
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(artifact_error(format!("{what} is too large"), at))
    }

    /// A delta from `*prev` (see the format), which becomes the value read: a `u32`.
    fn delta(&mut self, prev: &mut u32, what: &str) -> Result<u32> {
        let at = self.pos;
        let zigzag = self.leb(what)?;
        let delta = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
        let value = u32::try_from(i64::from(*prev).wrapping_add(delta))
            .map_err(|_| artifact_error(format!("{what} is out of range"), at))?;
        *prev = value;
        Ok(value)
    }

    /// A count of items of at least `item_len` bytes each, checked against the bytes
    /// left, so that a corrupt count cannot make a reader allocate without bound.
    fn count(&mut self, item_len: usize, what: &str) -> Result<usize> {
        let at = self.pos;
        let count = self.u32(what)? as usize;
        let left = self.bytes.len() - self.pos;
        if count.saturating_mul(item_len) > left {
            return Err(artifact_error(
                format!("{what}: {count} entries do not fit in the {left} bytes left"),
                at,
            ));
        }
        Ok(count)
    }

    fn str(&mut self, what: &str) -> Result<String> {
        let len = self.count(1, what)?;
        let at = self.pos;
        let bytes = self.take(len, what)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| artifact_error(format!("{what} is not UTF-8"), at))
    }

    fn strs(&mut self, what: &str) -> Result<Vec<String>> {
        let count = self.count(4, what)?;
        (0..count).map(|_| self.str(what)).collect()
    }

    /// The fixed part: magic, version, checksum (skipped), code offset and length.
    fn fixed(&mut self) -> Result<(usize, usize)> {
        if !self.bytes.starts_with(&MAGIC) {
            return Err(artifact_error(what_else(self.bytes), 0));
        }
        self.take(MAGIC.len(), "the magic")?;
        let at = self.pos;
        let version = self.u32("the format version")?;
        if version != FORMAT_VERSION {
            return Err(artifact_error(
                format!(
                    "format version {version}; this ward reads version {FORMAT_VERSION} \
                     (compile the module again with this ward)"
                ),
                at,
            ));
        }
        let at = self.pos;
        if self.u32("a reserved field")? != 0 {
            return Err(artifact_error("a reserved field is not zero", at));
        }
        self.u64("the checksum")?;
        let at = self.pos;
        let code_offset = self.u64("the code offset")?;
        let code_len = self.u64("the code length")?;
        let (Ok(code_offset), Ok(code_len)) =
            (usize::try_from(code_offset), usize::try_from(code_len))
        else {
            return Err(artifact_error("the code offset or length overflows", at));
        };
        if !code_offset.is_multiple_of(CODE_ALIGN) || code_offset < FIXED_LEN {
            return Err(artifact_error(
                format!("the code offset {code_offset:#x} is not a multiple of {CODE_ALIGN:#x}"),
                at,
            ));
        }
        Ok((code_offset, code_len))
    }

    fn header(&mut self, code_size: usize) -> Result<At<ArtifactHeader>> {
        let offset = self.pos;
        let ward_version = self.str("the ward version")?;
        let build_id = self.str("the build id")?;
        let target = self.str("the target")?;
        let cpu = self.str("the CPU")?;
        let cpu_features = self.strs("the CPU features")?;
        let guard_pages = if self.bool("the bounds-check mode")? {
            Some(self.u64("the guard size")?)
        } else {
            None
        };
        let fuel = self.bool("the fuel setting")?;
        let interruptible = self.bool("the interruption setting")?;
        let wasm_features = self.strs("the wasm features")?;
        let stack_checks = self.str("the stack-check mode")?;
        let wasm_size = self.u64("the wasm size")?;
        Ok(At {
            value: ArtifactHeader {
                format_version: FORMAT_VERSION,
                ward_version,
                build_id,
                target,
                cpu,
                cpu_features,
                guard_pages,
                fuel,
                interruptible,
                wasm_features,
                stack_checks,
                wasm_size,
                code_size: code_size as u64,
            },
            offset,
        })
    }
}

impl crate::Engine {
    /// Compiles `bytes` (a binary or text module) into an artifact, as
    /// `Module::new(engine, bytes)?.serialize()` does, for the engine's target: also
    /// another machine's ([`Config::target`](crate::Config::target)), whose code
    /// [`Module::new`] does not compile because it cannot run here.
    ///
    /// # Errors
    ///
    /// As [`Module::new`] and [`Module::serialize`]: when the module is malformed or
    /// invalid, uses what the compiled tier does not compile, or the engine interprets;
    /// always in a build of ward without the compiled tier.
    pub fn precompile_module(&self, bytes: &[u8]) -> Result<Vec<u8>> {
        #[cfg(feature = "cranelift")]
        return Module::for_artifact(self, bytes)?.serialize();
        #[cfg(not(feature = "cranelift"))]
        {
            let _ = bytes;
            Err(no_compiled_tier())
        }
    }
}

impl Module {
    /// The target triple of this machine, as artifacts name it (`x86_64-unknown-linux-gnu`).
    pub fn host_target() -> String {
        #[cfg(feature = "cranelift")]
        return crate::compile::host_triple();
        #[cfg(not(feature = "cranelift"))]
        return "unsupported".to_owned();
    }

    /// Whether `bytes` begin like an artifact of ward ([`Module::serialize`]).
    pub fn is_artifact(bytes: &[u8]) -> bool {
        bytes.starts_with(&MAGIC)
    }

    /// Writes the module and its compiled code as an artifact, which
    /// [`Module::deserialize`] loads without compiling: on this machine, or any machine
    /// with the target CPU's features ([`Config::target_cpu`](crate::Config::target_cpu)),
    /// in a ward of the same build with an engine of the same code-changing settings.
    ///
    /// # Errors
    ///
    /// When the module's functions are not compiled (its engine interprets them), as in
    /// every build of ward without the compiled tier.
    pub fn serialize(&self) -> Result<Vec<u8>> {
        #[cfg(feature = "cranelift")]
        return self.serialize_compiled();
        #[cfg(not(feature = "cranelift"))]
        Err(no_compiled_tier())
    }

    #[cfg(feature = "cranelift")]
    fn serialize_compiled(&self) -> Result<Vec<u8>> {
        let module = &self.inner;
        let native = module
            .native()
            .filter(|_| module.is_compiled())
            .ok_or_else(not_compiled)?;
        let wasm = &without_bodies(module.bytes(), self.engine().config().features)?;
        let code = native.code();
        let header = ArtifactHeader::of(self, wasm.len(), code.len())?;
        let mut out = Writer(Vec::with_capacity(wasm.len() + code.len() + 4096));
        out.0.extend_from_slice(&MAGIC);
        out.u32(FORMAT_VERSION);
        out.u32(0);
        out.u64(0); // The checksum, written last.
        out.u64(0); // The code offset, known once the tables are written.
        out.u64(code.len() as u64);
        out.header(&header);
        out.u64(wasm.len() as u64);
        out.0.extend_from_slice(wasm);
        write_tables(&mut out, native);
        let code_offset = out.0.len().next_multiple_of(CODE_ALIGN);
        out.0.resize(code_offset, 0);
        out.0[24..32].copy_from_slice(&(code_offset as u64).to_le_bytes());
        // The code as it would be mapped at address 0: the same bytes wherever it was
        // mapped, so that equal modules give equal artifacts.
        let start = out.0.len();
        out.0.extend_from_slice(code);
        let written = crate::compile::apply_relocs(&mut out.0[start..], 0, native.relocs());
        written.map_err(|message| Error::Other(format!("cannot write the artifact: {message}")))?;
        // Addresses of ward's runtime functions differ from process to process: the
        // loader writes them, the artifact holds zeros.
        for reloc in native.relocs() {
            if let crate::vm::RelocTarget::Runtime(_) = reloc.target {
                let at = start + reloc.offset as usize;
                let width = match reloc.kind {
                    crate::vm::RelocKind::Abs8 => 8,
                    _ => 4,
                };
                out.0[at..at + width].fill(0);
            }
        }
        ArtifactHeader::reseal(&mut out.0);
        Ok(out.0)
    }

    /// Loads an artifact that [`Module::serialize`] or `ward compile` wrote, without
    /// compiling anything: its module is validated again, its code is copied into
    /// executable memory.
    ///
    /// # Safety
    ///
    /// The artifact's code runs as it is, unchecked: `bytes` must come from a trusted
    /// source, as a native library would. Everything else is checked (see the module
    /// documentation of the format): a truncated, corrupted or mismatched artifact is
    /// an error, never run.
    ///
    /// # Errors
    ///
    /// [`Error::Compile`] naming what does not match, with the byte offset of the field,
    /// when `bytes` are not an artifact, are damaged, or were compiled by another build
    /// of ward, for another machine, or with other code-changing settings than the
    /// engine's.
    pub unsafe fn deserialize(engine: &crate::Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        let mut reader = Reader::new(bytes);
        let (code_offset, code_len) = reader.fixed()?;
        check_length(bytes.len(), code_offset, code_len)?;
        check_sum(&bytes[..code_offset], &bytes[code_offset..])?;
        // SAFETY: the caller vouches for the code.
        unsafe {
            load(
                engine,
                &bytes[..code_offset],
                Code::Bytes(&bytes[code_offset..]),
            )
        }
    }

    /// Loads an artifact from a file, as [`Module::deserialize`], mapping its code
    /// from the file instead of reading it (only the pages that hold relocations are
    /// copied).
    ///
    /// # Safety
    ///
    /// As [`Module::deserialize`]; and the file must not change while the module is
    /// alive, since its code is mapped from it.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be read, else as [`Module::deserialize`].
    #[cfg(feature = "std")]
    pub unsafe fn deserialize_file(
        engine: &crate::Engine,
        path: impl AsRef<Path>,
    ) -> Result<Module> {
        use std::io::Read;
        let path = path.as_ref();
        let io = |e: std::io::Error| Error::Io(format!("cannot read {}: {e}", path.display()));
        let mut file = std::fs::File::open(path).map_err(io)?;
        let file_len = file.metadata().map_err(io)?.len();
        let mut fixed = Vec::with_capacity(FIXED_LEN);
        (&mut file)
            .take(FIXED_LEN as u64)
            .read_to_end(&mut fixed)
            .map_err(io)?;
        let (code_offset, code_len) = Reader::new(&fixed).fixed()?;
        let file_len = usize::try_from(file_len).map_err(|_| artifact_error("too large", 0))?;
        check_length(file_len, code_offset, code_len)?;
        // One read for all that comes before the code: the length is checked above.
        let mut prefix = fixed;
        prefix.resize(code_offset, 0);
        file.read_exact(&mut prefix[FIXED_LEN..]).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                artifact_error("the file changed while it was read", FIXED_LEN)
            } else {
                io(e)
            }
        })?;
        crate::sys::CodeMemory::read_file(&file, code_offset as u64, code_len, |code| {
            check_sum(&prefix, code)
        })
        .map_err(io)??;
        // SAFETY: the caller vouches for the code and that the file stays as it is.
        unsafe { load(engine, &prefix, Code::File(&file)) }
    }
}

/// Where an artifact's code is.
enum Code<'a> {
    Bytes(&'a [u8]),
    #[cfg(feature = "std")]
    File(&'a std::fs::File),
}

/// Checks that an artifact of `len` bytes ends where its code does.
fn check_length(len: usize, code_offset: usize, code_len: usize) -> Result<()> {
    let end = code_offset.checked_add(code_len);
    if end != Some(len) {
        let what = match end {
            Some(end) if end > len => {
                format!("truncated: the code ends at {end:#x}, the file at {len:#x}")
            }
            Some(end) => format!(
                "{} bytes after the code, where the file should end",
                len - end
            ),
            None => "the code's length overflows".to_owned(),
        };
        return Err(artifact_error(what, 24));
    }
    Ok(())
}

/// Checks the checksum of the artifact whose bytes up to its code are `prefix`.
fn check_sum(prefix: &[u8], code: &[u8]) -> Result<()> {
    let expected = u64::from_le_bytes(prefix[16..24].try_into().expect("8 bytes"));
    let mut checksum = Checksum::new();
    checksum.update(&prefix[CHECKSUMMED_FROM..]);
    checksum.update(code);
    let sum = checksum.finish(prefix.len() + code.len() - CHECKSUMMED_FROM);
    if sum != expected {
        return Err(artifact_error(
            "the checksum does not match: the file is damaged (truncated, or changed since \
             it was written)",
            16,
        ));
    }
    Ok(())
}

/// `wasm`, a valid module, with each function body replaced by `unreachable`, which
/// validates under any signature: an artifact's functions are its compiled code, and
/// the module keeps what instances need (types, imports, exports, segments, names).
/// Were a body ever interpreted, it would trap.
///
/// # Errors
///
/// When `wasm` does not parse (it was validated, so only through a bug).
#[cfg(feature = "cranelift")]
fn without_bodies(wasm: &[u8], features: wasmparser::WasmFeatures) -> Result<Vec<u8>> {
    /// A body without locals: `unreachable`, `end`, after its length.
    const UNREACHABLE: [u8; 4] = [3, 0, 0x00, 0x0b];
    let mut out = Writer(wasm[..8.min(wasm.len())].to_vec());
    let section = |out: &mut Writer, id: u8, contents: &[u8]| {
        out.u8(id);
        out.leb(contents.len() as u64);
        out.0.extend_from_slice(contents);
    };
    let mut parser = wasmparser::Parser::new(0);
    parser.set_features(features);
    for payload in parser.parse_all(wasm) {
        let payload =
            payload.map_err(|e| Error::Other(format!("cannot write the artifact: {e}")))?;
        if let wasmparser::Payload::CodeSectionStart { count, .. } = payload {
            let mut bodies = Writer(Vec::with_capacity(5 + 4 * count as usize));
            bodies.leb(u64::from(count));
            for _ in 0..count {
                bodies.0.extend_from_slice(&UNREACHABLE);
            }
            section(&mut out, 10, &bodies.0);
        } else if let Some((id, range)) = payload.as_section() {
            section(
                &mut out,
                id,
                &wasm[range.start as usize..range.end as usize],
            );
        }
    }
    Ok(out.0)
}

/// Writes the tables of `native`.
#[cfg(feature = "cranelift")]
fn write_tables(out: &mut Writer, native: &crate::vm::NativeCode) {
    use crate::vm::{CodeTrap, RelocKind, RelocTarget};
    out.len(native.funcs().len());
    for f in native.funcs() {
        out.u32(f.start);
        out.u32(f.len);
    }
    out.len(native.traps().len());
    let mut prev = 0;
    for &(offset, trap) in native.traps() {
        out.delta(&mut prev, offset);
        out.u8(match trap {
            CodeTrap::Raised => 0,
            CodeTrap::Wasm(kind) => {
                1 + TRAP_KINDS
                    .iter()
                    .position(|&k| k == kind)
                    .expect("compiled code traps only with the kinds of TRAP_KINDS")
                    as u8
            }
        });
    }
    out.len(native.srclocs().len());
    let (mut prev_offset, mut prev_wasm) = (0, 0);
    for &(offset, wasm) in native.srclocs() {
        out.delta(&mut prev_offset, offset);
        out.delta(&mut prev_wasm, wasm);
    }
    let trampolines: Vec<_> = native.trampoline_offsets().collect();
    out.len(trampolines.len());
    for t in trampolines {
        out.u32(t.array_to_wasm as u32);
        out.u32(t.wasm_to_array as u32);
    }
    out.len(native.relocs().len());
    for reloc in native.relocs() {
        out.u32(reloc.offset);
        out.u8(match reloc.kind {
            RelocKind::Abs8 => 0,
            RelocKind::PcRel4 => 1,
            RelocKind::Arm64Call => 2,
        });
        let (kind, target) = match reloc.target {
            RelocTarget::Code(offset) => (0, offset),
            RelocTarget::Runtime(id) => (1, u32::from(id)),
        };
        out.u8(kind);
        out.u32(target);
        out.u64(reloc.addend as u64);
    }
}

/// Without the compiled tier, no artifact loads.
#[cfg(not(feature = "cranelift"))]
unsafe fn load(_: &crate::Engine, _: &[u8], _: Code<'_>) -> Result<Module> {
    Err(Error::Compile {
        message: "this build of ward has no compiled tier (the `cranelift` feature) to run \
                  artifacts"
            .into(),
        offset: 0,
    })
}

/// Loads the artifact whose bytes up to its code are `prefix` (magic, length and
/// checksum checked), and whose code is `code`.
///
/// # Safety
///
/// As [`Module::deserialize`].
#[cfg(feature = "cranelift")]
unsafe fn load(engine: &crate::Engine, prefix: &[u8], code: Code<'_>) -> Result<Module> {
    use crate::index::{DefinedFuncIndex, IndexVec, TypeIndex};
    use crate::sys::CodeMemory;
    use crate::vm::{CodeTrap, FuncRange, NativeCode, Reloc, RelocKind, RelocTarget, Trampolines};

    let mut reader = Reader::new(prefix);
    let (_, code_len) = reader.fixed()?;
    let header = reader.header(code_len)?;
    check_header(engine, &header)?;
    let wasm_offset = reader.pos;
    let wasm_len = usize::try_from(header.value.wasm_size)
        .map_err(|_| artifact_error("the wasm size overflows", wasm_offset))?;
    let wasm: Box<[u8]> = reader.take(wasm_len, "the module's binary")?.into();

    let in_code = |offset: u32, at: usize, what: &str| {
        if (offset as usize) < code_len {
            Ok(offset)
        } else {
            Err(artifact_error(
                format!("{what} {offset:#x} lies outside the code"),
                at,
            ))
        }
    };
    let count = reader.count(8, "the functions")?;
    let mut funcs: IndexVec<DefinedFuncIndex, FuncRange> = IndexVec::new();
    let mut end = 0u32;
    for _ in 0..count {
        let at = reader.pos;
        let start = in_code(reader.u32("a function's start")?, at, "a function's start")?;
        let len = reader.u32("a function's length")?;
        if start < end || start as usize + len as usize > code_len {
            return Err(artifact_error(
                "a function overlaps another or the code's end",
                at,
            ));
        }
        end = start + len;
        funcs.push(FuncRange { start, len });
    }
    let count = reader.count(2, "the trap sites")?;
    let mut traps = Vec::with_capacity(count);
    let mut prev = 0;
    for _ in 0..count {
        let at = reader.pos;
        let offset = in_code(reader.delta(&mut prev, "a trap site")?, at, "a trap site")?;
        let kind_at = reader.pos;
        let kind = match reader.u8("a trap kind")? {
            0 => CodeTrap::Raised,
            n => CodeTrap::Wasm(
                *TRAP_KINDS
                    .get(usize::from(n) - 1)
                    .ok_or_else(|| artifact_error(format!("unknown trap kind {n}"), kind_at))?,
            ),
        };
        traps.push((offset, kind));
    }
    let count = reader.count(2, "the wasm offsets")?;
    let mut srclocs = Vec::with_capacity(count);
    let (mut prev_offset, mut prev_wasm) = (0, 0);
    for _ in 0..count {
        let at = reader.pos;
        let offset = reader.delta(&mut prev_offset, "a code offset")?;
        let offset = in_code(offset, at, "a code offset")?;
        srclocs.push((offset, reader.delta(&mut prev_wasm, "a wasm offset")?));
    }
    let count = reader.count(8, "the trampolines")?;
    let mut trampolines: IndexVec<TypeIndex, Trampolines> = IndexVec::new();
    for _ in 0..count {
        let at = reader.pos;
        let array_to_wasm = in_code(reader.u32("a trampoline")?, at, "a trampoline")?;
        let wasm_to_array = in_code(reader.u32("a trampoline")?, at + 4, "a trampoline")?;
        trampolines.push(Trampolines {
            array_to_wasm: array_to_wasm as usize,
            wasm_to_array: wasm_to_array as usize,
        });
    }
    let count = reader.count(18, "the relocations")?;
    let mut relocs = Vec::with_capacity(count);
    for _ in 0..count {
        let at = reader.pos;
        let offset = in_code(reader.u32("a relocation")?, at, "a relocation")?;
        let kind = match reader.u8("a relocation kind")? {
            0 => RelocKind::Abs8,
            1 => RelocKind::PcRel4,
            2 => RelocKind::Arm64Call,
            n => {
                return Err(artifact_error(
                    format!("unknown relocation kind {n}"),
                    at + 4,
                ))
            }
        };
        let target_kind = reader.u8("a relocation target")?;
        let target = reader.u32("a relocation target")?;
        let target = match target_kind {
            0 => RelocTarget::Code(in_code(target, at + 6, "a relocation target")?),
            1 => RelocTarget::Runtime(u8::try_from(target).map_err(|_| {
                artifact_error(format!("unknown runtime function {target}"), at + 6)
            })?),
            n => {
                return Err(artifact_error(
                    format!("unknown relocation target kind {n}"),
                    at + 5,
                ))
            }
        };
        let addend = reader.i64("a relocation addend")?;
        relocs.push(Reloc {
            offset,
            kind,
            target,
            addend,
        });
    }
    if reader.pos > prefix.len() || prefix[reader.pos..].iter().any(|&b| b != 0) {
        return Err(artifact_error(
            "unexpected bytes before the code",
            reader.pos,
        ));
    }

    // The module, validated again: its tables must match the code's.
    let (info, interpreter) = super::module::read(engine, &wasm)
        .map_err(|e| artifact_error(format!("its module is invalid: {e}"), wasm_offset))?;
    if funcs.len() != info.num_defined_funcs() || trampolines.len() != info.types().len() {
        return Err(artifact_error(
            format!(
                "its code has {} functions and {} types, its module {} and {}",
                funcs.len(),
                trampolines.len(),
                info.num_defined_funcs(),
                info.types().len()
            ),
            wasm_offset,
        ));
    }

    crate::exec::install_trap_hook();
    let mut failure = Ok(());
    let fill = |bytes: &mut [u8], base: usize| {
        if let Code::Bytes(code) = code {
            bytes[..code.len()].copy_from_slice(code);
        }
        failure = crate::compile::apply_relocs(bytes, base, &relocs);
    };
    let memory = match code {
        Code::Bytes(_) => CodeMemory::new(code_len, fill),
        Code::File(file) => CodeMemory::map_file(file, prefix.len() as u64, code_len, fill),
    }
    .map_err(|e| Error::Other(format!("cannot map the artifact's code: {e}")))?;
    failure.map_err(|message| artifact_error(message, 0))?;
    let style = match header.value.guard_pages {
        Some(guard) => crate::vm::MemoryStyle::Static { guard },
        None => crate::vm::MemoryStyle::Dynamic,
    };
    let native = NativeCode::new(memory, code_len, relocs, funcs, traps, srclocs, trampolines);
    // The artifact's trampolines serve the engine's host functions of its types, so
    // that instantiating it compiles nothing; the engine keeps the code that has one.
    let offered: Vec<_> = (0..info.types().len())
        .map(TypeIndex::from_usize)
        .map(|t| (info.type_id(t), native.trampolines(t).wasm_to_array))
        .collect();
    engine.offer_host_trampolines(offered, &native);
    Ok(Module::assemble(
        engine,
        wasm,
        (info, interpreter),
        (Some(native), Some(style)),
        false,
    ))
}

/// Checks that the artifact with `header` may run in `engine` on this machine.
#[cfg(feature = "cranelift")]
fn check_header(engine: &crate::Engine, header: &At<ArtifactHeader>) -> Result<()> {
    let at = header.offset;
    let found = &header.value;
    let config = engine.config();
    if config.get_strategy() == crate::Strategy::Interpreter {
        return Err(artifact_error(
            "the engine interprets (Strategy::Interpreter); an artifact runs compiled \
             code, in an engine with Strategy::Cranelift or Strategy::Auto",
            0,
        ));
    }
    if !crate::sys::entry::SUPPORTED {
        return Err(artifact_error(
            "the compiled tier is not available on this platform",
            0,
        ));
    }
    let version = env!("CARGO_PKG_VERSION");
    if found.ward_version != version || found.build_id != build_id() {
        return Err(artifact_error(
            format!(
                "compiled by ward {} (build {}); this is ward {version} (build {}): compile \
                 the module again with this ward",
                found.ward_version,
                found.build_id,
                build_id()
            ),
            at,
        ));
    }
    let host = crate::compile::host_triple();
    if found.target != host {
        return Err(artifact_error(
            format!("compiled for {}; this machine is {host}", found.target),
            at,
        ));
    }
    for feature in &found.cpu_features {
        let name = feature.strip_prefix("has_").unwrap_or(feature);
        match crate::compile::host_has(feature) {
            Some(true) => {}
            Some(false) => {
                return Err(artifact_error(
                    format!(
                        "compiled for CPU `{}`, whose feature {name} this machine's CPU lacks: \
                         compile it with `--target-cpu baseline` to run it here",
                        found.cpu
                    ),
                    at,
                ))
            }
            None => {
                return Err(artifact_error(
                    format!("its code uses CPU feature {name}, which this ward does not know"),
                    at,
                ))
            }
        }
    }
    let mismatch = |what: &str, artifact: String, engine: String, setting: &str| {
        Err(artifact_error(
            format!(
                "compiled with {what}: {artifact}; the engine's: {engine} ({setting}); \
                 compile the module again with the engine's settings"
            ),
            at,
        ))
    };
    let describe = |guard: Option<u64>| match guard {
        Some(guard) => format!("guard pages of {guard} bytes"),
        None => "explicit bounds checks".to_owned(),
    };
    let style = guard_pages(crate::compile::memory_style(engine));
    if found.guard_pages != style {
        return mismatch(
            "memory accesses checked by",
            describe(found.guard_pages),
            describe(style),
            "Config::memory_reservation and memory_guard_size",
        );
    }
    let on = |b: bool| if b { "on" } else { "off" }.to_owned();
    if found.fuel != config.consume_fuel {
        return mismatch(
            "fuel metering",
            on(found.fuel),
            on(config.consume_fuel),
            "Config::consume_fuel",
        );
    }
    if found.interruptible != config.interruptible {
        return mismatch(
            "interruption checks",
            on(found.interruptible),
            on(config.interruptible),
            "Config::interruptible",
        );
    }
    let features = wasm_features(config.features);
    if found.wasm_features != features {
        return mismatch(
            "wasm features",
            found.wasm_features.join(" "),
            features.join(" "),
            "the Config feature switches",
        );
    }
    if found.stack_checks != STACK_CHECKS {
        return mismatch(
            "stack checks",
            found.stack_checks.clone(),
            STACK_CHECKS.to_owned(),
            "this build",
        );
    }
    Ok(())
}

#[cfg(all(test, feature = "cranelift"))]
mod tests {
    use super::*;
    use crate::{Config, Engine, Strategy};

    fn engine() -> Option<Engine> {
        Strategy::Cranelift
            .is_available()
            .then(|| Engine::new(Config::new().strategy(Strategy::Cranelift)))
    }

    fn artifact(engine: &Engine) -> Vec<u8> {
        Module::new(
            engine,
            "(module (func (export \"f\") (result i32) i32.const 7))",
        )
        .and_then(|m| m.serialize())
        .expect("serializes")
    }

    /// `artifact` with its header changed by `change`, and a checksum that matches: an
    /// artifact as another ward or machine would have written it.
    fn rewrite(artifact: &[u8], change: impl FnOnce(&mut ArtifactHeader)) -> Vec<u8> {
        let mut reader = Reader::new(artifact);
        let (code_offset, code_len) = reader.fixed().expect("fixed part");
        let mut header = reader.header(code_len).expect("header").value;
        // The header ends with the wasm size, which the writer writes after it.
        let rest = reader.pos - 8;
        change(&mut header);
        let mut out = Writer(artifact[..FIXED_LEN].to_vec());
        out.header(&header);
        out.0.extend_from_slice(&artifact[rest..code_offset]);
        while out.0.len() > code_offset {
            assert_eq!(
                out.0.pop(),
                Some(0),
                "the padding absorbs the longer header"
            );
        }
        out.0.resize(code_offset, 0);
        out.0.extend_from_slice(&artifact[code_offset..]);
        ArtifactHeader::reseal(&mut out.0);
        out.0
    }

    fn refusal(engine: &Engine, bytes: &[u8]) -> String {
        // SAFETY: each artifact is refused before its code runs, which is the test.
        match unsafe { Module::deserialize(engine, bytes) } {
            Ok(_) => panic!("accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn an_unchanged_rewrite_loads() {
        let Some(engine) = engine() else { return };
        let bytes = rewrite(&artifact(&engine), |_| {});
        // SAFETY: this build's code, unchanged.
        let module = unsafe { Module::deserialize(&engine, &bytes) }.expect("loads");
        let mut store = crate::Store::new(&engine, ());
        let instance = crate::Instance::new(&mut store, &module, &[]).expect("instantiates");
        let f = instance.get_typed_func::<(), i32>(&store, "f").expect("f");
        assert_eq!(f.call(&mut store, ()).expect("runs"), 7);
    }

    #[test]
    fn another_ward_machine_or_build_is_named() {
        let Some(engine) = engine() else { return };
        let bytes = artifact(&engine);
        type Change = fn(&mut ArtifactHeader);
        let cases: [(Change, &str); 6] = [
            (
                |h| h.ward_version = "0.0.1".into(),
                "compiled by ward 0.0.1",
            ),
            (
                |h| h.build_id = "0123456789abcdef-cranelift-0.1.0".into(),
                "build 0123456789abcdef",
            ),
            (
                |h| h.target = "aarch64-apple-darwin".into(),
                "compiled for aarch64-apple-darwin",
            ),
            (
                |h| h.cpu_features.push("has_frobnication".into()),
                "frobnication, which this ward does not know",
            ),
            (|h| h.stack_checks = "none".into(), "stack checks"),
            (|h| h.wasm_features.clear(), "wasm features"),
        ];
        for (change, expected) in cases {
            let error = refusal(&engine, &rewrite(&bytes, change));
            assert!(error.contains(expected), "{expected}: {error}");
        }
        for version in [FORMAT_VERSION - 1, FORMAT_VERSION + 1] {
            let mut other = bytes.clone();
            other[8..12].copy_from_slice(&version.to_le_bytes());
            let error = refusal(&engine, &other);
            assert!(
                error.contains(&format!("format version {version}")),
                "{error}"
            );
        }
    }
}
