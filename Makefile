# life-tui: `make demo` to see it, `make test` to check it.
# Both install the system packages that are missing (Open MPI, libclang,
# pkg-config, tmux) first, with sudo when not root.

NP ?= 4
CARGO ?= cargo
BIN := target/release/life-tui
MPIRUN := scripts/mpi-env.sh mpirun

.PHONY: demo test test-core test-mpich test-long test-slurm-kill-loop deps build lint bench headless-demo clean install

deps:
	@command -v cargo >/dev/null || { echo "error: cargo not found; install Rust from rustup.rs" >&2; exit 1; }
	@scripts/install-deps.sh
	@# `make lint` needs rustfmt and clippy, which minimal rustup profiles leave out.
	@if command -v rustup >/dev/null && ! { $(CARGO) fmt --version && $(CARGO) clippy --version; } >/dev/null 2>&1; then \
		rustup component add rustfmt clippy; fi

build: deps
	$(CARGO) build --release

# Installs the binary, its man page and bash/zsh/fish completions under
# $(PREFIX) (DESTDIR for packaging), all generated from the command line's
# definitions by the binary itself.
PREFIX ?= /usr/local
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/life-tui
	$(BIN) --man-page > $(DESTDIR)$(PREFIX)/share/man/man1/life-tui.1
	$(BIN) --completions bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/life-tui
	$(BIN) --completions zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_life-tui
	$(BIN) --completions fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/life-tui.fish

# The live view, split over $(NP) ranks (works with fewer cores than ranks).
demo: build
	@{ : </dev/tty; } 2>/dev/null || { echo "error: make demo needs a terminal and there is none here; run make headless-demo instead" >&2; exit 2; }
	$(MPIRUN) -np $(NP) $(BIN)

# A short headless run over $(NP) ranks, for machines without a terminal.
headless-demo: build
	$(MPIRUN) -q --stdin none -np $(NP) $(BIN) --headless --width 1024 --height 1024 --generations 500 --report-every 100

lint: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --profile ci --workspace --all-targets -- -D warnings

# The MPI-free core crate (core/: engine, pattern formats, files) alone. It
# needs neither Open MPI nor libclang (.ci/run runs it before they are
# installed), and its dependency tree holds no mpi crate.
test-core:
	@tree=$$($(CARGO) tree -p life-core -e normal,build,dev --prefix none) || exit 1; \
	if echo "$$tree" | grep -E '^mpi'; then \
		echo "error: life-core depends on an mpi crate" >&2; exit 1; fi
	$(CARGO) test --profile ci -p life-core -- --test-threads=2

test: deps lint test-core
	$(CARGO) test --profile ci -p life-tui -p life-tools -- --test-threads=2

# The performance study of issue 5 (minutes, not part of `make test`):
# criterion micro-benchmarks of the kernel, then headless runs under mpirun
# over grid sizes, rank counts, rules and edges (median of $(BENCH_RUNS)),
# compared with bgolly when installed, then every built-in pattern on
# 4096^2 and 16384^2 tori against bgolly's QuickLife. Writes
# target/bench/report.md, patterns.json and target/bench/scaling.svg.
# Then the study on the unbounded plane (issue 17, tools/src/bin/plane.rs): every
# built-in pattern at 1000 and 10000 generations and the long runs against
# QuickLife and lifelib on their planes (median of $(PLANE_RUNS); lifelib is
# built from its PyPI sdist with g++ into target/bench/lifelib/ the first
# time), writing target/bench/plane-report.md and plane.json.
# LIFE_BENCH_ONLY=patterns runs the torus pattern study alone,
# LIFE_BENCH_ONLY=plane the plane study alone, LIFE_BENCH_ONLY=model prints
# the scaling model's tables (docs/SCALING.md) and runs nothing. Measure on
# an otherwise idle machine.
BENCH_RUNS ?= 5
PLANE_RUNS ?= 3
LIFE_BENCH_ONLY ?=
bench: build
	@command -v bgolly >/dev/null 2>&1 || { \
		echo "bench: installing golly for bgolly (optional comparison)"; \
		$$([ "$$(id -u)" -eq 0 ] || echo sudo) apt-get install -y -qq golly >/dev/null 2>&1 || \
		echo "bench: golly not installable here; the bgolly comparison is skipped"; }
ifeq ($(LIFE_BENCH_ONLY),)
	$(CARGO) bench --bench kernel
endif
ifneq ($(LIFE_BENCH_ONLY),plane)
	LIFE_BENCH_ONLY=$(LIFE_BENCH_ONLY) LIFE_BENCH_RUNS=$(BENCH_RUNS) $(CARGO) run --release -q -p life-tools --bin scaling
endif
ifeq ($(filter patterns model,$(LIFE_BENCH_ONLY)),)
	LIFE_BENCH_RUNS=$(PLANE_RUNS) $(CARGO) run --release -q -p life-tools --bin plane
endif

clean:
	$(CARGO) clean

# The issue's kill loop under Slurm, 30 runs (make test runs 5): kill -9 of
# a rank of a 6-rank srun job over 3 nodes, each rank in turn; no
# segfault, no hang, no rank left (tests/cluster/slurm.rs, root).
test-slurm-kill-loop: deps
	LIFE_TUI_SLURM_KILL_RUNS=30 $(CARGO) test --profile ci --test cluster -- slurm::kill_9_of_a_rank_in_a_loop --nocapture

# The histories too long for `make test` (rabbits, lidka: over 10^12 cell updates).
test-long: deps
	$(CARGO) test --profile ci --test mpi -- library:: --ignored

# MPICH as well as Open MPI: installs Debian's MPICH if missing (Open MPI
# stays the default mpirun, mpicc and mpi pkg-config), builds with MPICH
# into a target directory of its own (rsmpi's build probe takes
# MPI_PKG_CONFIG first, then MPICC: MPICH's wrapper here), checks that the
# binary links MPICH, and runs the headless MPI tests (tests/mpi/headless.rs,
# tests/mpi/patterns.rs) and the live view (`--tty`, in tmux,
# tests/terminal/launcher.rs) under MPICH's Hydra launcher, mpiexec.mpich.
MPICH_TESTS := --test mpi --test terminal
MPICH_FILTER := headless:: patterns:: launcher::
MPICH_ENV := env -u MPI_PKG_CONFIG -u CRAY_MPICH_DIR MPICC=mpicc.mpich CARGO_TARGET_DIR=target/mpich
test-mpich: deps
	@scripts/mpich.sh install
	$(MPICH_ENV) $(CARGO) test --profile ci --no-run $(MPICH_TESTS)
	@scripts/mpich.sh check target/mpich/ci/life-tui
	$(MPICH_ENV) LIFE_TUI_MPIRUN=mpiexec.mpich $(CARGO) test --profile ci \
		$(MPICH_TESTS) -- --test-threads=2 $(MPICH_FILTER)
