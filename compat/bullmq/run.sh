#!/usr/bin/env bash
# Runs BullMQ's own scripts and workers against racefree-server.
#
# Builds cmd/racefree-server, starts it on a free port, installs the pinned
# npm packages (npm ci) and runs bullmq.test.mjs with node:test, once over
# RESP3 (ioredis 6's default) and once over RESP2 (BULLMQ_PROTOCOLS="3 2"),
# then stops the server. Exits non-zero if anything fails.
#
# With BULLMQ_REDIS_PORT set, it builds and starts nothing and runs the same
# test against whatever listens there (e.g. a live redis-server 7.0.15, to
# check that the test itself is right):
#
#   redis-server --port 6390 --save '' --appendonly no --daemonize yes
#   BULLMQ_REDIS_PORT=6390 bash compat/bullmq/run.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
server_pid=""

cleanup() {
	if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

if [[ -z "${BULLMQ_REDIS_PORT:-}" ]]; then
	echo "bullmq: building racefree-server"
	(cd "$root" && go build -o "$tmp/racefree-server" ./cmd/racefree-server)
	"$tmp/racefree-server" --port 0 --bind 127.0.0.1 2>"$tmp/server.log" &
	server_pid=$!
	# The server logs "ready to accept connections ... addr=127.0.0.1:PORT".
	for _ in $(seq 1 100); do
		if addr="$(grep -o 'ready to accept connections.* addr=[^ ]*' "$tmp/server.log")"; then
			BULLMQ_REDIS_PORT="${addr##*:}"
			break
		fi
		if ! kill -0 "$server_pid" 2>/dev/null; then
			cat "$tmp/server.log" >&2
			echo "bullmq: racefree-server exited at start-up" >&2
			exit 1
		fi
		sleep 0.1
	done
	if [[ -z "${BULLMQ_REDIS_PORT:-}" ]]; then
		cat "$tmp/server.log" >&2
		echo "bullmq: racefree-server did not report its address" >&2
		exit 1
	fi
	echo "bullmq: racefree-server listening on port $BULLMQ_REDIS_PORT"
else
	echo "bullmq: using the server on port $BULLMQ_REDIS_PORT"
fi
export BULLMQ_REDIS_PORT

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
status=0
# ioredis 6 speaks RESP3 by default; run once per protocol.
for proto in ${BULLMQ_PROTOCOLS:-3 2}; do
	echo "bullmq: RESP$proto"
	BULLMQ_PROTOCOL=$proto timeout 120 node --test --test-concurrency=1 --test-timeout=60000 bullmq.test.mjs || status=$?
done

if [[ -n "$server_pid" ]]; then
	if ! kill -0 "$server_pid" 2>/dev/null; then
		echo "bullmq: racefree-server died during the test" >&2
		status=1
	fi
	if [[ $status -ne 0 ]]; then
		echo "bullmq: racefree-server log:" >&2
		cat "$tmp/server.log" >&2
	fi
fi
exit $status
