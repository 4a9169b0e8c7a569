#!/usr/bin/env bash
# Runs the side-by-side benchmarks: racefree (typed API, EvalSHA, go-redis
# over the in-process dialer), miniredis, a real redis-server and a bare
# map. Every run covers every system (so systems alternate within each run);
# then benchstat compares them and cmd/table prints one markdown table of
# medians and same-run ratios, also written to RESULTS.md.
#
#   bench/run.sh                  # full: 6 runs (takes about 15 minutes)
#   BENCH_QUICK=1 bench/run.sh    # smoke test: 1 short run
#
# Environment: BENCH_COUNT (runs, default 6), BENCH_TIME (-benchtime, default
# 300ms), BENCH (the -bench pattern, default .), BENCH_OUT (directory for the
# raw output, default a temporary one). Needs redis-server on PATH; benchstat
# is used when installed (go install golang.org/x/perf/cmd/benchstat@latest).
set -euo pipefail

cd "$(dirname "$0")"

count=${BENCH_COUNT:-6}
benchtime=${BENCH_TIME:-300ms}
if [[ -n "${BENCH_QUICK:-}" ]]; then
	count=${BENCH_COUNT:-1}
	benchtime=${BENCH_TIME:-10ms}
fi
pattern=${BENCH:-.}
out=${BENCH_OUT:-$(mktemp -d)}
mkdir -p "$out"

command -v redis-server >/dev/null || { echo "run.sh: redis-server is not on PATH" >&2; exit 1; }

# A free port on the loopback interface.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
	echo $((20000 + RANDOM % 30000)))
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
	--logfile "$out/redis.log" &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
	redis-cli -p "$port" ping >/dev/null 2>&1 && break
	sleep 0.05
done
export BENCH_REDIS_ADDR=127.0.0.1:$port

go test -c -o "$out/bench.test" .
go build -o "$out/table" ./cmd/table

: >"$out/bench.txt"
for i in $(seq "$count"); do
	echo "run.sh: run $i of $count" >&2
	"$out/bench.test" -test.run '^$' -test.bench "$pattern" -test.benchtime "$benchtime" \
		-test.benchmem | tee -a "$out/bench.txt" >&2
done

if command -v benchstat >/dev/null; then
	benchstat -col /sys "$out/bench.txt" >"$out/benchstat.txt" 2>&1 || true
	echo "run.sh: benchstat -col /sys: $out/benchstat.txt" >&2
fi

{
	echo "Measured $(date -u +%Y-%m-%d) on $(uname -sm), $(nproc) CPUs" \
		"($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //' || echo unknown)), $(go env GOVERSION)," \
		"redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p'); $count run(s), -benchtime $benchtime."
	echo
	"$out/table" <"$out/bench.txt"
} | tee RESULTS.md
echo "run.sh: raw output in $out" >&2
