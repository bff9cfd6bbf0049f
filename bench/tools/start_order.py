#!/usr/bin/env python3
"""Writes the list of functions a start of the command line runs, for the linker.

    python3 bench/tools/start_order.py [WARD...] [--out FILE]

Runs release builds of the command line (default `target/release/ward`) under
callgrind on bench/'s hello-world, once from the binary module and once from an
artifact of it (where the build has the compiled tier), and writes the functions of
the `ward` binary that ran to `crates/ward-cli/start-order.txt`: for several builds,
the first build's functions, then those of the next that are not listed yet.
The build script of the command line places those functions next to each other (see
`start_order` in crates/ward-cli/build.rs), so that a start faults in a few pages of
code instead of pages spread over all of it.

Names are written so that they survive a rebuild: a function whose mangled name differs
from every other one's in more than its hash (the `17h…E` of Rust's legacy mangling, or
a crate's `Cs…_` disambiguator in the v0 mangling, or the `.llvm.…` suffix of a local
function made global) is written with those parts as `*`. An instance of a generic
function shares its name with its other instances and differs only in its hash; it is
written in full, and its name with the hash as `*` follows at the end of the list. The
linker places a function by the first line that names it: in a build like the one the
list was made from, the instances that ran sit with the rest and the others after them;
in a build whose hashes differ (another compiler, other features or debug settings), all
instances come at the end, still in the section. Regenerate the list after the start's
code changes much; a stale list costs page faults, never correctness.
"""

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HELLO = ROOT / "bench/build/hello.wasm"
OUT = ROOT / "crates/ward-cli/start-order.txt"

# Parts of a mangled name that change from build to build while the function does not.
HASH = re.compile(r"17h[0-9a-f]{16}E$")
CRATE = re.compile(r"Cs[0-9A-Za-z]+_")
LOCAL = re.compile(r"\.llvm\.[0-9]+$")
# A function name in a callgrind profile: `(id) name` the first time, `(id)` after.
NAME = re.compile(r"^c?fn=\((\d+)\)(?: (.*))?$")


def pattern(name: str) -> str:
    """The name with its build-specific parts as wildcards."""
    name = LOCAL.sub("*", name)
    name = HASH.sub("17h*", name)
    return CRATE.sub("Cs*_", name)


def ran(ward: Path, args: list[str]) -> set[str]:
    """Names (mangled) of the functions that ran in `ward ARGS`."""
    with tempfile.NamedTemporaryFile(suffix=".cg") as profile:
        subprocess.run(
            ["valgrind", "--tool=callgrind", "--demangle=no",
             f"--callgrind-out-file={profile.name}", str(ward), *args],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        names = set()
        for line in Path(profile.name).read_text().splitlines():
            match = NAME.match(line)
            if match and match.group(2):
                names.add(match.group(2))
        return names


def functions(ward: Path) -> dict[str, int]:
    """The binary's functions and their sizes in bytes."""
    listing = subprocess.run(
        ["nm", "--defined-only", "-S", str(ward)], check=True, capture_output=True, text=True
    ).stdout
    sizes = {}
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2] in "tTwW":
            sizes[fields[3]] = int(fields[1], 16)
    return sizes


def hot_lines(ward: Path) -> tuple[list[str], list[str], int]:
    """The list's lines for one build: the functions that ran, and the patterns of the
    generic ones among them; and the bytes of code that ran."""
    sizes = functions(ward)
    names = ran(ward, ["run", str(HELLO)])
    with tempfile.TemporaryDirectory() as scratch:
        artifact = Path(scratch) / "hello.cwasm"
        # A build without the compiled tier has no artifacts to run.
        compiled = subprocess.run(
            [str(ward), "compile", str(HELLO), "-o", str(artifact)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if compiled.returncode == 0:
            names |= ran(ward, ["run", str(artifact)])
    hot = sorted(name for name in names if name in sizes)
    shared = Counter(pattern(name) for name in sizes)
    hot_patterns = {name: pattern(name) for name in hot}
    lines = [hot_patterns[name] if shared[hot_patterns[name]] == 1 else name for name in hot]
    generic = sorted({p for p in hot_patterns.values() if shared[p] > 1})
    return lines, generic, sum(sizes[name] for name in hot)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ward", nargs="*", type=Path, default=[ROOT / "target/release/ward"])
    parser.add_argument("--out", type=Path, default=OUT)
    options = parser.parse_args()
    if not HELLO.is_file():
        sys.exit(f"{HELLO} is missing: build bench/'s programs first (bench/run.py)")
    lines: dict[str, None] = {}
    generic: dict[str, None] = {}
    for ward in options.ward:
        build_lines, build_generic, size = hot_lines(ward)
        new = [line for line in build_lines if line not in lines]
        lines.update(dict.fromkeys(build_lines))
        generic.update(dict.fromkeys(build_generic))
        print(f"{ward}: {len(build_lines)} functions ran ({size:,} bytes of code),"
              f" {len(new)} not listed by a build before it")
    options.out.write_text(
        "# Functions that `ward run` of a hello-world runs, from a binary module and from\n"
        "# an artifact; crates/ward-cli/build.rs places them together. Written by\n"
        "# bench/tools/start_order.py.\n"
        + "".join(f"{line}\n" for line in lines)
        + "# Every instance of the generic functions above, for builds whose hashes differ.\n"
        + "".join(f"{line}\n" for line in generic if line not in lines)
    )
    print(f"{len(lines)} lines, {sum('*' in line for line in lines)} of them patterns"
          f" -> {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
