#!/usr/bin/env bash
# Simulated hosts on one machine, for multi-host runs over real TCP
# (network namespaces; see the README's "Running on a cluster").
#
#   scripts/multihost.sh up ID N          N hosts ID-h1..ID-hN (10.231.0.1..N/24)
#                                         on a bridge in namespace ID-sw
#   scripts/multihost.sh run ID CMD...    CMD (e.g. mpirun --host ID-h1:2,ID-h2:2 ...)
#                                         on host ID-h1, with its own hostname and
#                                         the Open MPI settings for these hosts
#   scripts/multihost.sh link ID I up|down   the cable of host I
#   scripts/multihost.sh pids ID          every process left in ID's namespaces
#   scripts/multihost.sh down ID          kill those processes, delete the namespaces
#   scripts/multihost.sh clean-stale      `down` for namespaces of runs that died
#
# ID is `lt` then the pid of the process that owns the hosts, optionally
# `x` and a counter (lt1234, lt1234x2): a namespace whose owner is gone is
# stale. Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN). Nothing attaches to
# the root namespace and there is no default route: no packet leaves the
# namespaces created here.
set -eEuo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
SUBNET=10.231.0.0/24

die() {
    echo "error: multihost: $*" >&2
    exit 2
}

check_id() {
    [[ "$1" =~ ^lt[0-9]+(x[0-9]+)?$ ]] || die "bad id '$1' (want lt<pid> or lt<pid>x<n>)"
}

namespaces_of() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$1-(sw|h[0-9]+)\$" || true
}

# Namespaces that did not come up whole are taken down again.
up() {
    local id=$1 n=$2 i sw="$1-sw"
    [[ "$n" =~ ^[1-9]$ ]] || die "bad host count '$n' (1-9)"
    [ "$(id -u)" -eq 0 ] || die "simulated hosts need root (network namespaces); run as root or set LIFE_TUI_NO_MULTIHOST=1 to skip the multi-host tests"
    [ -z "$(namespaces_of "$id")" ] || die "hosts $id already exist"
    ip netns add "$sw" || die "cannot create network namespaces here (ip netns add failed: a container without CAP_SYS_ADMIN?); set LIFE_TUI_NO_MULTIHOST=1 to skip the multi-host tests"
    trap 'down "$id" >/dev/null 2>&1; echo "error: multihost: setting up hosts $id failed (see above); nothing was left" >&2' ERR
    ip -n "$sw" link set lo up
    ip -n "$sw" link add ltbr type bridge
    ip -n "$sw" link set ltbr up
    for i in $(seq 1 "$n"); do
        local h="$id-h$i"
        ip netns add "$h"
        ip netns exec "$h" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
        ip -n "$h" link set lo up
        # The veth is made inside the switch namespace with its peer sent
        # straight to the host: the root namespace never sees either end.
        ip -n "$sw" link add "ltp$i" type veth peer name lteth0 netns "$h"
        ip -n "$sw" link set "ltp$i" master ltbr
        ip -n "$sw" link set "ltp$i" up
        ip -n "$h" addr add "10.231.0.$i/24" dev lteth0
        ip -n "$h" link set lteth0 up
    done
    trap - ERR
}

pids() {
    local ns
    for ns in $(namespaces_of "$1"); do
        ip netns pids "$ns" 2>/dev/null || true
    done
}

# Whether pid $1 still runs (a zombie has ended).
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# Processes first (a namespace lives on while anything runs in it, and
# orteds daemonize away from their parents), then the namespaces, which
# takes the veths and the bridge with them.
down() {
    local id=$1 ns left all="" p
    left=$(pids "$id")
    if [ -n "$left" ]; then
        all=$left
        # shellcheck disable=SC2086
        kill -TERM $left 2>/dev/null || true
        for _ in $(seq 1 20); do
            left=$(pids "$id")
            [ -n "$left" ] || break
            sleep 0.1
        done
        if [ -n "$left" ]; then
            all="$all $left"
            # shellcheck disable=SC2086
            kill -KILL $left 2>/dev/null || true
        fi
        # A dying process leaves `ip netns pids` before it is gone: wait
        # (bounded) until every process signalled has really ended.
        for _ in $(seq 1 50); do
            left=""
            for p in $all $(pids "$id"); do
                alive "$p" && left="$left $p"
            done
            [ -n "$left" ] || break
            # shellcheck disable=SC2086
            kill -KILL $left 2>/dev/null || true
            sleep 0.1
        done
    fi
    for ns in $(namespaces_of "$id"); do
        ip netns del "$ns" 2>/dev/null || true
    done
    [ -z "$(namespaces_of "$id")" ] || die "could not delete the namespaces of $id"
}

clean_stale() {
    local ns pid
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^lt[0-9]+(x[0-9]+)?-(sw|h[0-9]+)$' || true); do
        pid=${ns#lt}
        pid=${pid%%[x-]*}
        if [ ! -d "/proc/$pid" ]; then
            down "${ns%-*}"
        fi
    done
}

# Open MPI across the simulated hosts: MULTIHOST facts, measured with 4.1.4.
mpi_settings() {
    if [ "$(id -u)" -eq 0 ]; then
        export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    fi
    export OMPI_MCA_rmaps_base_oversubscribe=1
    export OMPI_MCA_btl_vader_single_copy_mechanism=none
    # ssh stands in: the agent enters the host's namespaces.
    export OMPI_MCA_plm_rsh_agent="$here/multihost-agent.sh"
    export OMPI_MCA_plm_rsh_no_tree_spawn=1
    # This build has UCX, which would ignore the btl choice.
    export OMPI_MCA_pml=ob1 OMPI_MCA_osc=^ucx
    export OMPI_MCA_btl="${OMPI_MCA_btl:-tcp,vader,self}"
    export OMPI_MCA_btl_tcp_if_include="$SUBNET" OMPI_MCA_oob_tcp_if_include="$SUBNET"
    # A cut link ends the job in about 10 s instead of hanging for minutes.
    export OMPI_MCA_oob_tcp_keepalive_time="${OMPI_MCA_oob_tcp_keepalive_time:-5}"
    export OMPI_MCA_oob_tcp_keepalive_intvl="${OMPI_MCA_oob_tcp_keepalive_intvl:-2}"
    export OMPI_MCA_oob_tcp_keepalive_probes="${OMPI_MCA_oob_tcp_keepalive_probes:-3}"
}

run() {
    local id=$1 h="$1-h1"
    shift
    [ $# -gt 0 ] || die "run: no command"
    grep -qx "$h" <<<"$(namespaces_of "$id")" || die "no host $h (scripts/multihost.sh up $id N first)"
    mpi_settings
    # ip netns exec and unshare exec in place: CMD keeps this terminal and
    # process group, as mpirun typed at a shell does.
    # shellcheck disable=SC2016
    exec ip netns exec "$h" unshare --uts sh -c 'hostname "$1"; shift; exec "$@"' x "$h" "$@"
}

link() {
    local id=$1 i=$2 state=$3
    [[ "$i" =~ ^[1-9]$ ]] || die "bad host number '$i'"
    [[ "$state" =~ ^(up|down)$ ]] || die "link state must be up or down, not '$state'"
    ip -n "$id-sw" link set "ltp$i" "$state"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    up)
        [ $# -eq 2 ] || die "usage: up ID N"
        check_id "$1"
        up "$1" "$2"
        ;;
    down)
        [ $# -eq 1 ] || die "usage: down ID"
        check_id "$1"
        down "$1"
        ;;
    pids)
        [ $# -eq 1 ] || die "usage: pids ID"
        check_id "$1"
        pids "$1"
        ;;
    run)
        [ $# -ge 2 ] || die "usage: run ID CMD..."
        check_id "$1"
        run "$@"
        ;;
    link)
        [ $# -eq 3 ] || die "usage: link ID I up|down"
        check_id "$1"
        link "$@"
        ;;
    clean-stale)
        clean_stale
        ;;
    *)
        die "usage: $0 up ID N | run ID CMD... | link ID I up|down | pids ID | down ID | clean-stale"
        ;;
esac
