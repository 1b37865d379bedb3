#!/usr/bin/env bash
# A real Slurm cluster on one machine, in network namespaces (see the
# README's "Running on a cluster" and tests/cluster/slurm.rs).
#
#   scripts/slurm.sh up ID [N]          a controller ID-ctl (10.231.0.100: munged and
#                                       slurmctld; also the login node) and N (default 3)
#                                       nodes ID-n1..ID-nN (10.231.0.I, 2 CPUs each, one
#                                       slurmd each) on a bridge in namespace ID-sw; returns
#                                       when every node is idle
#   scripts/slurm.sh run ID CMD...      CMD (srun, sbatch, salloc, sinfo...) on the login
#                                       node, with SLURM_CONF set
#   scripts/slurm.sh conf ID            the path of ID's slurm.conf
#   scripts/slurm.sh link ID I up|down  the cable of node I
#   scripts/slurm.sh crash ID I         kill -9 everything on node I (slurmd, stepds, ranks)
#   scripts/slurm.sh start ID I         start node I's slurmd again (after a crash)
#   scripts/slurm.sh pids ID [I]        every process in ID's namespaces (or node I's)
#   scripts/slurm.sh down ID            kill those processes, delete the namespaces and
#                                       the cluster's state directory
#   scripts/slurm.sh clean-stale        `down` for clusters whose owner has died
#
# ID is `ls` then the pid of the process that owns the cluster, optionally
# `x` and a counter (ls1234, ls1234x2): a cluster whose owner is gone is
# stale. The prefix differs from scripts/multihost.sh's `lt`, so neither
# harness's stale clean-up touches the other's namespaces.
#
# Nothing under /etc changes: every daemon gets `-f slurm.conf`, every
# client SLURM_CONF, munged its own key and socket. The state (slurm.conf,
# munge key and socket, spools, logs) is in $LIFE_TUI_SLURM_DIR/ID
# (default /tmp/life-tui-slurm/ID), which every namespace sees: private to
# a node are its network, its hostname and, bound at one path for all, its
# spool and tmp directories (start_slurmd).
#
# Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and the Slurm and munge
# packages (scripts/install-deps.sh). Nothing attaches to the root
# namespace and there is no default route: no packet leaves the namespaces.
set -eEuo pipefail

BASE=${LIFE_TUI_SLURM_DIR:-/tmp/life-tui-slurm}
CTL_ADDR=10.231.0.100

die() {
    echo "error: slurm: $*" >&2
    exit 2
}

check_id() {
    [[ "$1" =~ ^ls[0-9]+(x[0-9]+)?$ ]] || die "bad id '$1' (want ls<pid> or ls<pid>x<n>)"
}

check_node() {
    [[ "$1" =~ ^[1-9]$ ]] || die "bad node number '$1' (1-9)"
}

namespaces_of() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$1-(sw|ctl|n[0-9]+)\$" || true
}

state_of() {
    echo "$BASE/$1"
}

# A daemon or command inside namespace $1 with hostname $1. nsenter, not
# `ip netns exec`: that mounts a fresh sysfs which hides /sys/fs/cgroup,
# and slurmd 22.05 will not start without it. setsid when $2 is `daemon`,
# so that a daemon leaves the caller's session and terminal.
in_ns() {
    local ns=$1 how=$2
    shift 2
    # shellcheck disable=SC2016
    if [ "$how" = daemon ]; then
        setsid nsenter --net="/run/netns/$ns" unshare --uts sh -c 'hostname "$1"; shift; exec "$@"' x "$ns" "$@" \
            </dev/null >/dev/null 2>&1 &
    else
        exec nsenter --net="/run/netns/$ns" unshare --uts sh -c 'hostname "$1"; shift; exec "$@"' x "$ns" "$@"
    fi
}

# One host on the bridge: namespace $2, address $3, switch port $4.
cable() {
    local sw=$1 h=$2 addr=$3 port=$4
    ip netns add "$h"
    ip netns exec "$h" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$h" link set lo up
    # Made inside the switch namespace with its peer sent straight to the
    # host: the root namespace never sees either end.
    ip -n "$sw" link add "$port" type veth peer name lseth0 netns "$h"
    ip -n "$sw" link set "$port" master lsbr
    ip -n "$sw" link set "$port" up
    ip -n "$h" addr add "$addr/24" dev lseth0
    ip -n "$h" link set lseth0 up
}

write_conf() {
    local id=$1 n=$2 state=$3 i
    cat >"$state/slurm.conf" <<EOF
# Written by scripts/slurm.sh for cluster $id.
ClusterName=$id
SlurmctldHost=$id-ctl($CTL_ADDR)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire: a requeued job waits this long before it may start again
# (120 s by default; 10 keeps the requeue tests short).
AuthInfo=socket=$state/munge/munge.socket,cred_expire=${LIFE_TUI_SLURM_CRED_EXPIRE:-10}
# Open MPI needs PMIx under srun: 'none' (Slurm's default) and pmi2 break it.
MpiDefault=pmix
# No cgroups or hwloc binding inside namespaces on a shared machine.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmdParameters=config_overrides
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
SchedulerType=sched/backfill
# A requeued job is eligible again cred_expire seconds after its requeue,
# and starts at the next scheduling pass: every 60 s (30 s for backfill)
# by default, which left the requeue tests waiting up to half a minute.
SchedulerParameters=sched_interval=2,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
# The README's timeouts: a crashed rank ends its step at once, a lost node
# is declared down in about SlurmdTimeout + 2 x MessageTimeout + 2 s (the
# defaults, 300 and 10, leave a partitioned job hung for minutes).
KillOnBadExit=1
SlurmdTimeout=${LIFE_TUI_SLURMD_TIMEOUT:-5}
MessageTimeout=${LIFE_TUI_SLURM_MESSAGE_TIMEOUT:-3}
SlurmctldTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=30
MailProg=/bin/true
StateSaveLocation=$state/ctld
SlurmctldPidFile=$state/ctld/slurmctld.pid
SlurmctldLogFile=$state/log/slurmctld.log
# One path, which each node's mount namespace binds to a directory of its
# own (start_slurmd), as on real nodes; the nodes share one file system, and
# a shared TmpFS fails nodes 2 and 3 (the PMIx plugin makes its directory
# there).
SlurmdSpoolDir=$state/node/spool
SlurmdPidFile=$state/%n/slurmd.pid
SlurmdLogFile=$state/log/slurmd-%n.log
TmpFS=$state/node/tmp
EOF
    for i in $(seq 1 "$n"); do
        echo "NodeName=$id-n$i NodeAddr=10.231.0.$i CPUs=2 RealMemory=1000 State=UNKNOWN" >>"$state/slurm.conf"
        mkdir -p -m 755 "$state/$id-n$i/spool"
        mkdir -p "$state/$id-n$i/tmp"
        chmod 1777 "$state/$id-n$i/tmp"
    done
    mkdir -p -m 755 "$state/node/spool" "$state/node/tmp"
    echo "PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP" >>"$state/slurm.conf"
}

# slurmd in node I's network, UTS and mount namespaces, the last with the
# node's own spool and tmp directories bound at the paths slurm.conf names
# for every node. Its steps and ranks inherit all three.
start_slurmd() {
    local id=$1 i=$2 state
    state=$(state_of "$id")
    # shellcheck disable=SC2016
    in_ns "$id-n$i" daemon unshare --mount --propagation private sh -c '
        mount --bind "$1/spool" "$3/spool" && mount --bind "$1/tmp" "$3/tmp" || exit 1
        exec slurmd -D -f "$2"' x "$state/$id-n$i" "$state/slurm.conf" "$state/node"
}

# Waits (bounded) until sinfo shows N nodes idle.
wait_idle() {
    local id=$1 n=$2 limit=$3 state idle
    state=$(state_of "$id")
    for _ in $(seq 1 $((limit * 10))); do
        idle=$(SLURM_CONF="$state/slurm.conf" timeout 5 nsenter --net="/run/netns/$id-ctl" \
            sinfo -h -N -t idle -o '%N' 2>/dev/null | sort -u | grep -c . || true)
        [ "$idle" -ge "$n" ] && return 0
        sleep 0.1
    done
    return 1
}

# A cluster that did not come up whole is taken down again.
up() {
    local id=$1 n=$2 i sw="$1-sw" state
    [[ "$n" =~ ^[1-9]$ ]] || die "bad node count '$n' (1-9)"
    [ "$(id -u)" -eq 0 ] || die "the Slurm cluster needs root (network namespaces, daemons as root); run as root or set LIFE_TUI_NO_SLURM=1 to skip the Slurm tests"
    for tool in munged slurmctld slurmd srun sbatch salloc sinfo nsenter; do
        command -v "$tool" >/dev/null 2>&1 || die "$tool not found (run scripts/install-deps.sh)"
    done
    [ -z "$(namespaces_of "$id")" ] || die "cluster $id already exists"
    state=$(state_of "$id")
    [ ! -e "$state" ] || die "$state already exists"
    ip netns add "$sw" || die "cannot create network namespaces here (ip netns add failed: a container without CAP_SYS_ADMIN?); set LIFE_TUI_NO_SLURM=1 to skip the Slurm tests"
    trap 'down "$id" >/dev/null 2>&1; echo "error: slurm: setting up cluster $id failed (see above); nothing was left" >&2' ERR
    mkdir -p -m 755 "$BASE"
    mkdir -m 755 "$state"
    mkdir -p -m 700 "$state/ctld" "$state/munge-etc"
    mkdir -p -m 755 "$state/munge" "$state/log"
    ip -n "$sw" link set lo up
    ip -n "$sw" link add lsbr type bridge
    ip -n "$sw" link set lsbr up
    cable "$sw" "$id-ctl" "$CTL_ADDR" lsp0
    for i in $(seq 1 "$n"); do
        cable "$sw" "$id-n$i" "10.231.0.$i" "lsp$i"
    done
    write_conf "$id" "$n" "$state"

    # One munged for the whole cluster: its socket is a file that every
    # namespace reaches. --force: everything runs as root.
    dd if=/dev/urandom of="$state/munge-etc/munge.key" bs=1024 count=1 status=none
    chmod 400 "$state/munge-etc/munge.key"
    in_ns "$id-ctl" daemon munged --foreground --force \
        --socket="$state/munge/munge.socket" --key-file="$state/munge-etc/munge.key" \
        --pid-file="$state/munge/munged.pid" --log-file="$state/log/munged.log" \
        --seed-file="$state/munge-etc/munged.seed"
    for _ in $(seq 1 100); do
        [ -S "$state/munge/munge.socket" ] && break
        sleep 0.05
    done
    [ -S "$state/munge/munge.socket" ] || { cat "$state/log/munged.log" >&2 2>/dev/null || true; false; }

    in_ns "$id-ctl" daemon slurmctld -D -i -f "$state/slurm.conf"
    for i in $(seq 1 "$n"); do
        start_slurmd "$id" "$i"
    done
    if ! wait_idle "$id" "$n" 30; then
        tail -n 20 "$state"/log/*.log >&2 || true
        echo "error: slurm: the nodes of $id were not idle within 30 s" >&2
        false
    fi
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

# Ends the processes that `list CMD...` prints: TERM, then KILL, waiting
# (bounded) until every one signalled has really ended, since a dying
# process leaves `ip netns pids` before it is gone.
end_all() {
    local left all="" p
    left=$("$@")
    [ -n "$left" ] || return 0
    all=$left
    # shellcheck disable=SC2086
    kill -TERM $left 2>/dev/null || true
    for _ in $(seq 1 20); do
        left=$("$@")
        [ -n "$left" ] || break
        sleep 0.1
    done
    if [ -n "$left" ]; then
        all="$all $left"
        # shellcheck disable=SC2086
        kill -KILL $left 2>/dev/null || true
    fi
    for _ in $(seq 1 50); do
        left=""
        for p in $all $("$@"); do
            alive "$p" && left="$left $p"
        done
        [ -n "$left" ] || break
        # shellcheck disable=SC2086
        kill -KILL $left 2>/dev/null || true
        sleep 0.1
    done
}

# Processes first (a namespace lives on while anything runs in it, and
# the daemons are nobody's children), then the namespaces, which takes the
# veths and the bridge with them, then the state directory.
down() {
    local id=$1 ns state
    end_all pids "$id"
    for ns in $(namespaces_of "$id"); do
        ip netns del "$ns" 2>/dev/null || true
    done
    [ -z "$(namespaces_of "$id")" ] || die "could not delete the namespaces of $id"
    state=$(state_of "$id")
    rm -rf -- "$state"
}

owner_gone() {
    local pid=${1#ls}
    pid=${pid%%[x-]*}
    [ ! -d "/proc/$pid" ]
}

clean_stale() {
    local ns dir id
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^ls[0-9]+(x[0-9]+)?-(sw|ctl|n[0-9]+)$' || true); do
        id=${ns%-*}
        if owner_gone "$id" && [ -n "$(namespaces_of "$id")" ]; then
            down "$id"
        fi
    done
    # A cluster whose namespaces went but whose state stayed behind.
    for dir in "$BASE"/ls*; do
        [ -d "$dir" ] || continue
        id=${dir##*/}
        [[ "$id" =~ ^ls[0-9]+(x[0-9]+)?$ ]] || continue
        if owner_gone "$id" && [ -z "$(namespaces_of "$id")" ]; then
            rm -rf -- "$dir"
        fi
    done
}

has_ns() {
    grep -qx "$1" <<<"$(namespaces_of "${1%-*}")"
}

run() {
    local id=$1 state
    shift
    [ $# -gt 0 ] || die "run: no command"
    has_ns "$id-ctl" || die "no cluster $id (scripts/slurm.sh up $id first)"
    state=$(state_of "$id")
    export SLURM_CONF="$state/slurm.conf"
    # Open MPI under salloc/sbatch (mpirun's orteds start through srun): it
    # refuses root unless told, and the nodes have 2 CPUs each.
    if [ "$(id -u)" -eq 0 ]; then
        export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    fi
    export OMPI_MCA_btl_vader_single_copy_mechanism=none
    # nsenter, unshare and sh exec in place: CMD keeps this terminal and
    # process group, as a command typed on a login node does.
    in_ns "$id-ctl" exec "$@"
}

link() {
    local id=$1 i=$2 state=$3
    check_node "$i"
    [[ "$state" =~ ^(up|down)$ ]] || die "link state must be up or down, not '$state'"
    ip -n "$id-sw" link set "lsp$i" "$state"
}

node_pids() {
    ip netns pids "$1-n$2" 2>/dev/null || true
}

crash() {
    local id=$1 i=$2 p
    check_node "$i"
    has_ns "$id-n$i" || die "no node $id-n$i"
    # All at once, as a power cut would: nothing gets to clean up.
    for _ in $(seq 1 20); do
        p=$(node_pids "$id" "$i")
        [ -n "$p" ] || return 0
        # shellcheck disable=SC2086
        kill -KILL $p 2>/dev/null || true
        sleep 0.05
    done
    die "node $id-n$i still has processes: $(node_pids "$id" "$i")"
}

start() {
    local id=$1 i=$2
    check_node "$i"
    has_ns "$id-n$i" || die "no node $id-n$i"
    start_slurmd "$id" "$i"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    up)
        [ $# -ge 1 ] && [ $# -le 2 ] || die "usage: up ID [N]"
        check_id "$1"
        up "$1" "${2:-3}"
        ;;
    down)
        [ $# -eq 1 ] || die "usage: down ID"
        check_id "$1"
        down "$1"
        ;;
    pids)
        [ $# -ge 1 ] && [ $# -le 2 ] || die "usage: pids ID [I]"
        check_id "$1"
        if [ $# -eq 2 ]; then
            check_node "$2"
            node_pids "$1" "$2"
        else
            pids "$1"
        fi
        ;;
    run)
        [ $# -ge 2 ] || die "usage: run ID CMD..."
        check_id "$1"
        run "$@"
        ;;
    conf)
        [ $# -eq 1 ] || die "usage: conf ID"
        check_id "$1"
        echo "$(state_of "$1")/slurm.conf"
        ;;
    link)
        [ $# -eq 3 ] || die "usage: link ID I up|down"
        check_id "$1"
        link "$@"
        ;;
    crash)
        [ $# -eq 2 ] || die "usage: crash ID I"
        check_id "$1"
        crash "$@"
        ;;
    start)
        [ $# -eq 2 ] || die "usage: start ID I"
        check_id "$1"
        start "$@"
        ;;
    clean-stale)
        clean_stale
        ;;
    *)
        die "usage: $0 up ID [N] | run ID CMD... | conf ID | link ID I up|down | crash ID I | start ID I | pids ID [I] | down ID | clean-stale"
        ;;
esac
