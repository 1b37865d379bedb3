#!/usr/bin/env bash
# Runs a command with the Open MPI settings this project's demos and tests
# need on small machines and in containers: oversubscription (more ranks
# than cores), no ptrace-based single copy, and, only when running as root,
# permission to run as root. Usage: scripts/mpi-env.sh mpirun -np 4 ...
if [ "$(id -u)" -eq 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
exec "$@"
