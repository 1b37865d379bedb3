#!/bin/sh
# Builds the lifelib driver for tools/src/bin/plane.rs (issue 17) from the PyPI
# sdist of python-lifelib 2.5.6, whose C++ headers build with g++ alone.
#
#   benches/lifelib/build.sh OUT_DIR
#
# Leaves OUT_DIR/driver and does nothing when it is newer than driver.cpp
# and this script. The sdist is taken from $LIFELIB_SDIST, else
# OUT_DIR/python-lifelib-2.5.6.tar.gz, else fetched with pip download; its
# SHA-256 is checked either way. Prints the build's seconds on success.
set -eu

out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
version=2.5.6
sha256=25cad90d0bfc4354914d2c89951ab2221ab942add84d07e1470c109a1726d2c0
sdist_name=python-lifelib-$version.tar.gz

mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -x "$out/driver" ] && [ "$out/driver" -nt "$here/driver.cpp" ] && [ "$out/driver" -nt "$here/build.sh" ]; then
    exit 0
fi
start=$(date +%s.%N)

sdist=${LIFELIB_SDIST:-$out/$sdist_name}
if [ ! -f "$sdist" ]; then
    echo "lifelib: fetching $sdist_name with pip download" >&2
    python3 -m pip download --quiet --no-deps --no-binary :all: "python-lifelib==$version" -d "$out" >&2
    sdist=$out/$sdist_name
fi
echo "$sha256  $sdist" | sha256sum -c --quiet - >&2 || { echo "lifelib: $sdist is not the expected sdist" >&2; exit 1; }

src=$out/src
rm -rf "$src"
mkdir -p "$src"
tar xzf "$sdist" -C "$src"
lifelib=$src/python-lifelib-$version/lifelib

# lifelib compiles each rule's iterators from Python code generators (its
# "genera"). The sdist ships the generated files for b3s23 only; run the
# package's own generate_code, as its Python build does before calling g++,
# for Life and HighLife (two built-in patterns are B36/S23). Only the
# generator runs: nothing loads lifelib through ctypes.
if command -v python3 >/dev/null 2>&1; then
    (cd "$src/python-lifelib-$version" && python3 -c '
import sys
sys.path.insert(0, ".")
from lifelib.autocompile import generate_code
generate_code(["b3s23", "b36s23"], clean_before=True)
') >&2
else
    echo "lifelib: no python3; using the b3s23 iterators shipped in the sdist (no HighLife)" >&2
fi
test -f "$lifelib/avxlife/lifelogic/iterators_b3s23.h"

# lifelib's own flags (autocompile.obtain_arguments): C++11, -O3, -march=native.
g++ -std=c++11 -O3 -march=native -I "$lifelib" -o "$out/driver.tmp" "$here/driver.cpp"
mv "$out/driver.tmp" "$out/driver"
end=$(date +%s.%N)
echo "$start $end" | awk '{ printf "%.1f\n", $2 - $1 }'
