// Package bench holds side-by-side benchmarks of racefree against
// miniredis, a real redis-server and a bare Go map. It is a nested module so
// that the library's go.mod stays small; see run.sh.
package bench
