#!/usr/bin/env python3
"""Size report: how big ward's programs are, and what they are made of.

Builds each configuration below with cargo (into target/size-report, so that the
ordinary builds stay as they are), strips a copy, and prints its size next to the
command-line programs of the other runtimes that bench/run.py finds (wasm3, built from
the wasm3-sys crate's sources; wasmi's CLI; wasmtime). With cargo-bloat installed
(`cargo install cargo-bloat`) it also splits each build's code by crate.

    python3 bench/size.py                 # every build, the report in bench/results/
    python3 bench/size.py --only minimal  # the builds whose names contain `minimal`
    python3 bench/run.py --size-report    # the same, from the harness

Writes bench/results/<date>-size.txt (the printed report) and -size.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
TARGET = REPO / "target" / "size-report"
OUT = BENCH / "build" / "sizes"


@dataclass
class Build:
    """One configuration of ward to build and measure."""

    name: str
    what: str
    package: str
    profile: str
    args: list[str]
    # The binary, relative to target/size-report/<profile dir>.
    binary: str


BUILDS = [
    Build(
        "minimal",
        "the minimal embedder: interpreter, binary modules, no SIMD",
        "ward",
        "size",
        ["--no-default-features", "--features", "std", "--example", "minimal"],
        "examples/minimal",
    ),
    Build(
        "minimal-simd",
        "the minimal embedder with the `simd` feature",
        "ward",
        "size",
        ["--no-default-features", "--features", "std,simd", "--example", "minimal"],
        "examples/minimal",
    ),
    Build(
        "tiny",
        "the minimal embedder without std: a no_std Linux program on the C library",
        "crates/ward-bare",
        "size",
        ["--features", "tiny", "--example", "tiny"],
        "examples/tiny",
    ),
    Build(
        "cli",
        "the command line, default features (compiled tier for x86-64 and AArch64)",
        "ward-cli",
        "release",
        ["--bin", "ward"],
        "ward",
    ),
    Build(
        "cli-interpreter",
        "the command line without the compiled tier (--no-default-features --features wasi,wast)",
        "ward-cli",
        "release",
        ["--no-default-features", "--features", "wasi,wast", "--bin", "ward"],
        "ward",
    ),
    Build(
        "cli-bare",
        "the command line without optional features: interpreter, binary modules, no WASI",
        "ward-cli",
        "release",
        ["--no-default-features", "--bin", "ward"],
        "ward",
    ),
    Build(
        "cli-bare-size",
        "the command line without optional features, size profile",
        "ward-cli",
        "size",
        ["--no-default-features", "--bin", "ward"],
        "ward",
    ),
    Build(
        "cli-size",
        "the command line, default features, size profile",
        "ward-cli",
        "size",
        ["--bin", "ward"],
        "ward",
    ),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def has_bloat() -> bool:
    try:
        proc = subprocess.run(["cargo", "bloat", "--version"], capture_output=True, text=True)
    except OSError:
        return False
    return proc.returncode == 0


def build(b: Build, bloat: bool) -> dict:
    """Builds `b`; its stripped size and, with cargo-bloat, its code by crate."""
    # The size profile strips its output; the crate split needs the symbols, so it is
    # built unstripped and stripped here, as the release build is.
    # A package of the workspace by name, or a workspace of its own by its folder.
    if "/" in b.package:
        package = ["--manifest-path", f"{b.package}/Cargo.toml"]
    else:
        package = ["-p", b.package]
    shown = [*package, "--profile", b.profile, *b.args]
    common = [*shown, "--target-dir", str(TARGET), "--config", f"profile.{b.profile}.strip=false"]
    result: dict = {"name": b.name, "what": b.what, "command": f"cargo build {' '.join(shown)}"}
    log(f"  building {b.name}: {result['command']}")
    if bloat:
        cmd = ["cargo", "bloat", *common, "--crates", "-n", "12", "--message-format", "json"]
    else:
        cmd = ["cargo", "build", *common]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["cargo failed"])[-1]
        result["error"] = tail
        return result
    if bloat:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
        result["text"] = data["text-section-size"]
        result["crates"] = [(c["name"], c["size"]) for c in data["crates"]]
    exe = TARGET / b.profile / b.binary
    OUT.mkdir(parents=True, exist_ok=True)
    copy = OUT / b.name
    shutil.copy2(exe, copy)
    subprocess.run(["strip", str(copy)], check=True)
    result["unstripped"] = exe.stat().st_size
    result["stripped"] = copy.stat().st_size
    return result


def peers() -> list[dict]:
    """The other runtimes' command-line programs, stripped copies of them."""
    sys.path.insert(0, str(BENCH))
    import run  # noqa: E402  (bench/run.py: where wasm3 is built and wasmtime found)

    found = []
    OUT.mkdir(parents=True, exist_ok=True)
    wasm3, why = run.build_wasm3()
    candidates = [("wasm3", wasm3, why or "")]
    wasmi = shutil.which("wasmi_cli") or shutil.which("wasmi")
    candidates.append(("wasmi", wasmi, "" if wasmi else "not installed (cargo install wasmi_cli)"))
    wasmtime, why = run.find_wasmtime()
    candidates.append(("wasmtime", wasmtime, why))
    iwasm = shutil.which("iwasm")
    candidates.append(("iwasm (WAMR)", iwasm, "" if iwasm else "not installed"))
    for name, exe, why in candidates:
        if not exe:
            found.append({"name": name, "missing": why})
            continue
        copy = OUT / f"peer-{name.split()[0]}"
        shutil.copy2(exe, copy)
        subprocess.run(["strip", str(copy)], capture_output=True)
        found.append({"name": name, "path": exe, "stripped": copy.stat().st_size})
    return found


def mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def report(results: list[dict], others: list[dict]) -> list[str]:
    lines = ["# ward's size, stripped, on " + f"{os.uname().machine} {os.uname().sysname}", ""]
    lines.append("| build | stripped | code (.text) | what |")
    lines.append("|---|---:|---:|---|")
    for r in results:
        if "error" in r:
            lines.append(f"| {r['name']} | failed: {r['error']} | | {r['what']} |")
            continue
        text = mb(r["text"]) if "text" in r else ""
        lines.append(f"| {r['name']} | {mb(r['stripped'])} | {text} | {r['what']} |")
    lines.append("")
    for r in results:
        if "crates" not in r:
            continue
        parts = ", ".join(f"{name} {size / 1e3:.0f} KB" for name, size in r["crates"])
        lines.append(f"- {r['name']}, code by crate: {parts}")
    if not any("crates" in r for r in results):
        lines.append("- (no split by crate: cargo-bloat is not installed)")
    lines += ["", "Other runtimes' command-line programs, stripped copies:", ""]
    for p in others:
        if "missing" in p:
            lines.append(f"- {p['name']}: {p['missing']}")
        else:
            lines.append(f"- {p['name']}: {mb(p['stripped'])} ({p['path']})")
    lines.append("")
    lines.append("Builds: " + "; ".join(f"{r['name']}: `{r['command']}`" for r in results))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="the builds whose names contain this text")
    parser.add_argument("--no-save", action="store_true", help="print only")
    args = parser.parse_args(argv)
    builds = [b for b in BUILDS if not args.only or args.only in b.name]
    bloat = has_bloat()
    if not bloat:
        log("cargo-bloat is not installed: sizes only (cargo install cargo-bloat for the split by crate)")
    results = [build(b, bloat) for b in builds]
    others = peers()
    lines = report(results, others)
    print("\n".join(lines))
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
        (RESULTS / f"{stamp}-size.txt").write_text("\n".join(lines) + "\n")
        (RESULTS / f"{stamp}-size.json").write_text(json.dumps({"builds": results, "peers": others}, indent=1) + "\n")
        log(f"wrote bench/results/{stamp}-size.txt and -size.json")
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
