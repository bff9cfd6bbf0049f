#!/bin/sh
# Instruction counts of ward and wasmi on one benchmark, with valgrind's callgrind:
# deterministic where wall time on a shared machine is not.
#
#   bench/tools/callgrind.sh PROGRAM [SIZE] [TOP]
#
# PROGRAM is a name from bench/run.py (its .wasm must be built: run the harness once,
# e.g. `python3 bench/run.py --quick`); SIZE is the C program's size argument (smaller
# than the default: valgrind runs ~50x slower); TOP is how many of ward's functions to
# list (default 10). Profiles go to bench/build/callgrind/; open them with
# callgrind_annotate or kcachegrind.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
prog=$1
size=${2:-}
top=${3:-10}
ward=${WARD:-$here/../target/release/ward}
wasmi=${WASMI:-wasmi}
wasm=$here/build/$prog.wasm
out=$here/build/callgrind
mkdir -p "$out"
[ -f "$wasm" ] || { echo "missing $wasm: build it with bench/run.py" >&2; exit 1; }

# The .wat programs are invoked through their export `run`; the C programs are WASI commands.
case $prog in
calls | blend_simd | blend_scalar | startup)
    ward_args="run --invoke run $wasm"
    wasmi_args="--invoke run $wasm"
    ;;
*)
    ward_args="run $wasm $size"
    wasmi_args="$wasm $size"
    ;;
esac

count() { # NAME ARGS...
    name=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$out/$name.$prog.cg" "$@" >/dev/null 2>"$out/$name.$prog.log"
    sed -n 's/^summary: //p' "$out/$name.$prog.cg"
}

# shellcheck disable=SC2086 # the argument lists split on purpose
ward_ir=$(count ward "$ward" $ward_args)
# shellcheck disable=SC2086
wasmi_ir=$(count wasmi "$wasmi" $wasmi_args)
echo "$prog ${size:+(size $size)}: ward $ward_ir instructions, wasmi $wasmi_ir" \
    "($(awk "BEGIN { printf \"%.2f\", $ward_ir / $wasmi_ir }")x)"
echo "ward's $top costliest functions (self cost; inlined code counts in its caller):"
callgrind_annotate --auto=no "$out/ward.$prog.cg" 2>/dev/null |
    grep -E '^ *[0-9,]+ \(' | grep -v 'PROGRAM TOTALS' | head -n "$top"
echo "ward's $top costliest source lines:"
python3 "$here/tools/hot_lines.py" "$out/ward.$prog.cg" "$top"
