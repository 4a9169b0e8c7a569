package racefree

import (
	"context"
	"testing"
)

// Scripting benchmarks. The goal: EVALSHA of a one-command script under
// 1 µs, a three-command transfer under 2 µs, EVAL of a cached body within
// 1.5x of EVALSHA, and nothing allocated per call beyond what is stored.

const benchSetScript = "return redis.call('SET', KEYS[1], ARGV[1])"

func BenchmarkEvalSHASet(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	sha, _ := s.ScriptLoad(benchSetScript)
	keys := []string{"key"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.EvalSHA(ctx, sha, keys, "value"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvalSet(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	keys := []string{"key"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Eval(ctx, benchSetScript, keys, "value"); err != nil {
			b.Fatal(err)
		}
	}
}

const benchTransfer = `
local from = tonumber(redis.call('GET', KEYS[1]))
if from < tonumber(ARGV[1]) then return 0 end
redis.call('DECRBY', KEYS[1], ARGV[1])
redis.call('INCRBY', KEYS[2], ARGV[1])
return 1`

func BenchmarkEvalSHATransfer(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	s.Set("a", "1000000000000", 0)
	s.Set("b", "0", 0)
	sha, _ := s.ScriptLoad(benchTransfer)
	keys := []string{"a", "b"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.EvalSHA(ctx, sha, keys, 1); err != nil {
			b.Fatal(err)
		}
	}
}
