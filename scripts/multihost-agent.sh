#!/bin/sh
# Stands in for ssh for Open MPI's rsh launcher on the simulated hosts of
# scripts/multihost.sh (OMPI_MCA_plm_rsh_agent): `agent [-x] HOST CMD...`
# runs CMD on HOST, that is inside the network namespace named HOST, with
# HOST as its hostname (a UTS namespace of its own, or Open MPI would take
# every rank for one node and use shared memory).
#
# The command words are joined and parsed again by a shell, as ssh does:
# Open MPI quotes some of them for that (-mca orte_hnp_uri "...;tcp://...").
#
# LIFE_TUI_MH_PRIVATE_DIR, when set, names a directory that only the first
# host (mpirun's, which this agent never serves) can see: on every host
# reached through here an empty read-only file system is mounted over it,
# in a mount namespace of the host's own, so files there cannot be read and
# nothing can be written there.
set -eu
[ "${1:-}" = -x ] && shift
[ $# -ge 2 ] || { echo "error: multihost-agent: usage: $0 [-x] HOST CMD..." >&2; exit 2; }
host=$1
shift
case "$host" in
    lt[0-9]*-h[0-9]*) ;;
    *) echo "error: multihost-agent: '$host' is not a simulated host (ltN-hI)" >&2; exit 2 ;;
esac
# shellcheck disable=SC2016
exec ip netns exec "$host" unshare --uts --mount --propagation private sh -c '
    hostname "$1"
    if [ -n "${LIFE_TUI_MH_PRIVATE_DIR:-}" ]; then
        mount -t tmpfs -o ro,size=16k lt-elsewhere "$LIFE_TUI_MH_PRIVATE_DIR" || exit 1
    fi
    shift
    exec sh -c "$*"' x "$host" "$@"
