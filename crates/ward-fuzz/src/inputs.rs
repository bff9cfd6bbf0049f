//! Deterministic inputs for the smoke tests and the stable fuzzing driver, which have
//! no coverage guidance: a small PRNG, and mutations of valid modules so that the
//! `load` target gets past the header more often than random bytes would.

use arbitrary::Unstructured;

use crate::smith::{self, Options};

/// xorshift64*: small, fast and good enough to spread inputs; not for cryptography.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed` (any value, zero included).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (which must not be zero).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// Random bytes of a random length up to `max_len`, the input of the `execute` and
/// `differential` targets (wasm-smith reads structure out of any bytes).
pub fn smith_input(rng: &mut Rng, max_len: usize) -> Vec<u8> {
    let len = rng.below(max_len + 1);
    rng.bytes(len)
}

/// An input of the `load` target: random bytes, random bytes behind a valid header, or
/// (most often) a valid module from wasm-smith (a quarter of them with GC's types and
/// instructions) with a few bytes flipped, inserted, removed or cut off.
pub fn load_input(rng: &mut Rng, max_len: usize) -> Vec<u8> {
    match rng.below(8) {
        0 => smith_input(rng, max_len),
        1 => {
            let mut bytes = b"\0asm\x01\0\0\0".to_vec();
            bytes.extend(smith_input(rng, max_len));
            bytes
        }
        _ => {
            let seed = smith_input(rng, max_len);
            let options = Options {
                canonicalize_nans: rng.below(2) == 0,
                exceptions: false,
                // One module in four uses GC, of which ward takes recursion groups of
                // function types and refuses the rest at load.
                gc: rng.below(4) == 0,
            };
            let Ok(generated) = smith::generate(&mut Unstructured::new(&seed), options) else {
                return seed;
            };
            let mut bytes = generated.wasm;
            mutate(rng, &mut bytes);
            bytes
        }
    }
}

/// Applies one to four small mutations (or none, one time in eight: valid modules
/// must load too).
pub fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    if rng.below(8) == 0 {
        return;
    }
    for _ in 0..1 + rng.below(4) {
        if bytes.is_empty() {
            bytes.push(rng.next_u64() as u8);
            continue;
        }
        let at = rng.below(bytes.len());
        match rng.below(5) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => bytes[at] = rng.next_u64() as u8,
            2 => bytes.insert(at, interesting_byte(rng)),
            3 => {
                bytes.remove(at);
            }
            _ => bytes.truncate(at),
        }
    }
}

/// A byte that often means something to a decoder: LEB128 continuation bits, the
/// edges of signed and unsigned ranges, common opcodes.
fn interesting_byte(rng: &mut Rng) -> u8 {
    const BYTES: [u8; 12] = [
        0, 1, 0x7f, 0x80, 0xff, 0x40, 0x41, 0x0b, 0x60, 0x70, 0x6f, 0xfc,
    ];
    BYTES[rng.below(BYTES.len())]
}
