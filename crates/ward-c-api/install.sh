#!/usr/bin/env bash
# Installs ward's C library: libward.so and libward.a into PREFIX/lib, wasm.h and
# ward.h into PREFIX/include, and ward.pc into PREFIX/lib/pkgconfig.
#
#   cargo build --release -p ward-c-api
#   crates/ward-c-api/install.sh /usr/local        # PREFIX, default /usr/local
#
# A second argument names the directory of the built libraries (default:
# target/release of the workspace).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${1:-/usr/local}"
libs="${2:-$here/../../target/release}"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/../../Cargo.toml" | head -n 1)"

for lib in libward.so libward.a; do
  if [ ! -f "$libs/$lib" ]; then
    echo "error: $libs/$lib is missing: build it with cargo build --release -p ward-c-api" >&2
    exit 1
  fi
done

install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 755 "$libs/libward.so" "$prefix/lib/"
install -m 644 "$libs/libward.a" "$prefix/lib/"
install -m 644 "$here/include/wasm.h" "$here/include/ward.h" "$prefix/include/"
sed -e "s|@prefix@|$prefix|" -e "s|@version@|$version|" "$here/ward.pc.in" \
  > "$prefix/lib/pkgconfig/ward.pc"
echo "installed ward's C library in $prefix"
