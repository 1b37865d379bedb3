# life-tui: `make demo` to see it, `make test` to check it.
# Both install the system packages that are missing (Open MPI, libclang,
# pkg-config, tmux) first, with sudo when not root.

NP ?= 4
CARGO ?= cargo
BIN := target/release/life-tui
MPIRUN := scripts/mpi-env.sh mpirun

.PHONY: demo test test-long deps build lint bench headless-demo clean

deps:
	@command -v cargo >/dev/null || { echo "error: cargo not found; install Rust from rustup.rs" >&2; exit 1; }
	@scripts/install-deps.sh
	@# `make lint` needs rustfmt and clippy, which minimal rustup profiles leave out.
	@if command -v rustup >/dev/null && ! { $(CARGO) fmt --version && $(CARGO) clippy --version; } >/dev/null 2>&1; then \
		rustup component add rustfmt clippy; fi

build: deps
	$(CARGO) build --release

# The live view, split over $(NP) ranks (works with fewer cores than ranks).
demo: build
	$(MPIRUN) -np $(NP) $(BIN)

# A short headless run over $(NP) ranks, for machines without a terminal.
headless-demo: build
	$(MPIRUN) -q --stdin none -np $(NP) $(BIN) --headless --width 1024 --height 1024 --generations 500 --report-every 100

lint: deps
	$(CARGO) fmt --check
	$(CARGO) clippy --profile ci --all-targets -- -D warnings

test: deps lint
	$(CARGO) test --profile ci -- --test-threads=2

# The performance study of issue 5 (minutes, not part of `make test`):
# criterion micro-benchmarks of the kernel, then headless runs under mpirun
# over grid sizes, rank counts, rules and edges (median of $(BENCH_RUNS)),
# compared with bgolly when installed, then every built-in pattern on
# 4096^2 and 16384^2 tori against bgolly's QuickLife (LIFE_BENCH_ONLY=patterns
# runs that alone). Writes target/bench/report.md, patterns.json and
# target/bench/scaling.svg. Measure on an otherwise idle machine.
BENCH_RUNS ?= 5
bench: deps
	@command -v bgolly >/dev/null 2>&1 || { \
		echo "bench: installing golly for bgolly (optional comparison)"; \
		$$([ "$$(id -u)" -eq 0 ] || echo sudo) apt-get install -y -qq golly >/dev/null 2>&1 || \
		echo "bench: golly not installable here; the bgolly comparison is skipped"; }
	$(CARGO) bench --bench kernel
	LIFE_BENCH_RUNS=$(BENCH_RUNS) $(CARGO) bench --bench scaling

clean:
	$(CARGO) clean

# The histories too long for `make test` (rabbits, lidka: over 10^12 cell updates).
test-long: deps
	$(CARGO) test --profile ci --test pattern_library -- --ignored
