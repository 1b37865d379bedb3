#!/usr/bin/env bash
# MPICH beside Open MPI, for `make test-mpich`.
#
#   scripts/mpich.sh install   installs Debian's MPICH (mpich, libmpich-dev)
#                              if missing, then keeps Open MPI the default
#                              mpirun/mpiexec, mpicc and mpi pkg-config
#   scripts/mpich.sh check BIN fails unless BIN is linked against MPICH
#
# Installing MPICH registers it with update-alternatives; on Debian Open MPI
# has the higher priority, but an alternative set by hand (or another
# distribution's priorities) could hand `mpirun` or `mpicc` to MPICH, and
# then every other build and test would silently use it. Only Open MPI's own
# alternatives are restored, and only when present.
set -euo pipefail

die() {
    echo "error: mpich.sh: $*" >&2
    exit 2
}

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Points alternative NAME back at Open MPI's WANT when it points elsewhere.
keep_open_mpi() {
    local name=$1 want=$2 query now
    query=$(update-alternatives --query "$name" 2>/dev/null) || return 0
    grep -qx "Alternative: $want" <<<"$query" || return 0
    now=$(sed -n 's/^Value: //p' <<<"$query")
    if [ "$now" != "$want" ]; then
        echo "mpich.sh: $name pointed to ${now:-nothing}; setting it back to Open MPI ($want)"
        sudo_if_needed update-alternatives --set "$name" "$want"
    fi
}

install() {
    command -v dpkg-query >/dev/null || die "installing MPICH needs Debian or Ubuntu (dpkg, apt-get); install MPICH by hand and put mpiexec.mpich and mpicc.mpich on PATH"
    local missing=()
    for pkg in mpich libmpich-dev; do
        installed "$pkg" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "mpich.sh: installing ${missing[*]}"
        sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
            || die "apt-get install ${missing[*]} failed"
    fi
    local triplet
    triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine)
    keep_open_mpi mpirun /usr/bin/mpirun.openmpi
    keep_open_mpi mpi /usr/bin/mpicc.openmpi
    keep_open_mpi "mpi-$triplet" "/usr/lib/$triplet/openmpi/include"
    for tool in mpiexec.mpich mpicc.mpich; do
        command -v "$tool" >/dev/null || die "$tool not found after installing MPICH"
    done
    pkg-config --exists mpich || die "pkg-config does not know mpich (libmpich-dev)"
}

check() {
    local bin=$1 libs
    [ -x "$bin" ] || die "no binary $bin"
    libs=$(ldd "$bin")
    grep -q 'libmpich\.so' <<<"$libs" || die "$bin is not linked against MPICH:
$libs"
    if grep -q 'libmpi\.so' <<<"$libs"; then
        die "$bin is linked against Open MPI's libmpi too"
    fi
    echo "mpich.sh: $bin uses $(grep -o 'libmpich\.so[^ ]*' <<<"$libs" | head -1)"
}

case "${1:-}" in
    install) install ;;
    check)
        [ $# -eq 2 ] || die "usage: $0 check BIN"
        check "$2"
        ;;
    *) die "usage: $0 install | check BIN" ;;
esac
