# The system packages life-tui's build and tests need, in one place.
# Sourced by scripts/install-deps.sh (installs what is missing) and by
# .ci/run (removes them first on CI, to prove the fresh-machine path).
#
# Each check asks what the consumer really uses, not whether some file with
# a similar name exists: a package that a check calls missing is installed.

# Debian/Ubuntu package names, in install order.
# shellcheck disable=SC2034  # used by the scripts that source this file
# asciinema: the tests replay --record files with `asciinema cat`.
# golly: its command-line bgolly is the reference the plane tests compare
# every built-in pattern with (tests/mpi/plane_golly.rs), and the bench's.
# munge slurmctld slurmd slurm-client: the real Slurm cluster that
# tests/cluster/slurm.rs brings up in namespaces (scripts/slurm.sh). libpmix-dev:
# Slurm's PMIx plugin dlopens the unversioned libpmix.so, which only the
# -dev package ships (libopenmpi-dev brings it too, but nothing says it must).
LIFE_TUI_PACKAGES=(openmpi-bin libopenmpi-dev libclang-dev pkg-config tmux asciinema golly
    munge slurmctld slurmd slurm-client libpmix-dev)

# Is the Debian package itself installed? (Only asked where dpkg exists.)
dpkg_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# libclang as clang-sys (rsmpi's bindgen) loads it: `libclang.so` or
# `libclang-N.so[.M]` (never libclang-cpp, a different library) in
# LIBCLANG_PATH, llvm-config's libdir or the usual directories, plus clang's
# own headers (stddef.h), without which bindgen cannot parse mpi.h.
libclang_usable() {
    local dirs=() d f
    [ -n "${LIBCLANG_PATH:-}" ] && dirs+=("$LIBCLANG_PATH")
    command -v llvm-config >/dev/null 2>&1 && dirs+=("$(llvm-config --libdir)")
    dirs+=(/usr/lib/llvm-*/lib /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/lib)
    local lib="" headers=""
    for d in "${dirs[@]}"; do
        for f in "$d"/libclang.so "$d"/libclang.so.* "$d"/libclang-[0-9]*.so "$d"/libclang-[0-9]*.so.*; do
            [ -e "$f" ] && { lib=$f; break 2; }
        done
    done
    for f in /usr/lib/llvm-*/lib/clang/*/include/stddef.h /usr/lib/clang/*/include/stddef.h /usr/local/lib/clang/*/include/stddef.h; do
        [ -e "$f" ] && { headers=$f; break; }
    done
    [ -n "$lib" ] && [ -n "$headers" ]
}

# Open MPI's C headers and library as rsmpi's build probe finds them.
openmpi_headers_usable() {
    command -v pkg-config >/dev/null 2>&1 || return 1
    pkg-config --exists ompi-c || return 1
    local inc
    inc=$(pkg-config --variable=includedir ompi-c)
    [ -e "$inc/mpi.h" ] || [ -n "$(find "$inc" -maxdepth 3 -name mpi.h -print -quit 2>/dev/null)" ]
}

# bgolly as the tests run it: without a pattern it prints its banner
# ("This is bgolly 3.3 ...") on stdout, its usage on stderr, and exits 10.
bgolly_usable() {
    command -v bgolly >/dev/null 2>&1 || return 1
    { bgolly 2>/dev/null || true; } | grep -q '^This is bgolly '
}

# The Slurm daemons and clients as scripts/slurm.sh runs them, each given
# its configuration through SLURM_CONF (the clients read one even for -V and
# nothing under /etc is used): each answers -V with the Slurm version.
slurm_tool_usable() {
    local tool conf ok=0
    conf=$(mktemp) || return 1
    printf 'ClusterName=check\nSlurmctldHost=localhost\n' >"$conf"
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 \
            && SLURM_CONF=$conf "$tool" -V 2>/dev/null | grep -q '^slurm' || { ok=1; break; }
    done
    rm -f "$conf"
    return $ok
}

# munged as scripts/slurm.sh starts it (foreground, its own socket and key)
# and the munge client the harness checks credentials with.
munge_usable() {
    command -v munged >/dev/null 2>&1 && command -v munge >/dev/null 2>&1 \
        && command -v unmunge >/dev/null 2>&1 \
        && munged -V 2>/dev/null | grep -q '^munge-'
}

# srun --mpi=pmix: slurmstepd loads Slurm's PMIx plugin, which dlopens
# "libpmix.so" by that name through the dynamic loader.
pmix_plugin_usable() {
    local dir
    for dir in /usr/lib/x86_64-linux-gnu/slurm-wlm /usr/lib/*/slurm-wlm /usr/lib64/slurm /usr/lib/slurm; do
        [ -e "$dir/mpi_pmix.so" ] && break
        dir=""
    done
    [ -n "$dir" ] || return 1
    dlopen_finds libpmix.so
}

# Can the dynamic loader open LIBRARY by its bare name, as dlopen(3) does?
# Asked of the loader itself where python3 is there. Else the loader's
# cache, read whole before it is searched: `ldconfig -p | grep -q` can die
# of SIGPIPE under pipefail when grep stops before ldconfig has written, and
# the cache can lag a library that apt unpacked after its last ldconfig run
# (seen on CI), so the multiarch directories the loader always searches are
# looked in too.
dlopen_finds() {
    local lib=$1 cache dir
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import ctypes, sys; ctypes.CDLL(sys.argv[1])' "$lib" 2>/dev/null
        return
    fi
    cache=$({ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null) || cache=""
    case $cache in *"	$lib "*) return 0 ;; esac
    for dir in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64 /lib /usr/lib; do
        [ -e "$dir/$lib" ] && return 0
    done
    return 1
}

# Does the system lack what PACKAGE provides? (0 = missing)
dep_missing() {
    if command -v dpkg-query >/dev/null 2>&1 && ! dpkg_installed "$1"; then
        return 0
    fi
    case $1 in
        openmpi-bin) ! { command -v mpirun >/dev/null 2>&1 && mpirun --version 2>/dev/null | grep -q 'Open MPI'; } ;;
        libopenmpi-dev) ! openmpi_headers_usable ;;
        libclang-dev) ! libclang_usable ;;
        pkg-config) ! command -v pkg-config >/dev/null 2>&1 ;;
        tmux) ! command -v tmux >/dev/null 2>&1 ;;
        asciinema) ! command -v asciinema >/dev/null 2>&1 ;;
        golly) ! bgolly_usable ;;
        munge) ! munge_usable ;;
        slurmctld) ! slurm_tool_usable slurmctld ;;
        slurmd) ! { slurm_tool_usable slurmd && command -v slurmstepd >/dev/null 2>&1; } ;;
        slurm-client) ! slurm_tool_usable srun sbatch salloc squeue sinfo scontrol scancel ;;
        libpmix-dev) ! pmix_plugin_usable ;;
        *) echo "system-deps: no check for $1" >&2; return 0 ;;
    esac
}
