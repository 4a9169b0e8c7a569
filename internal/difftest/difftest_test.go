package difftest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/resp"
)

func TestSplitArgs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{in: "SET k v", want: []string{"SET", "k", "v"}},
		{in: "  GET\t k  ", want: []string{"GET", "k"}},
		{in: `SET k "a value\r\n"`, want: []string{"SET", "k", "a value\r\n"}},
		{in: `SET k "\x00\xff\t\"\\"`, want: []string{"SET", "k", "\x00\xff\t\"\\"}},
		{in: `EVAL 'return "x\n"' 0`, want: []string{"EVAL", `return "x\n"`, "0"}},
		{in: `SET k ""`, want: []string{"SET", "k", ""}},
		{in: `SET k "open`, err: "unterminated quote"},
		{in: `SET k 'open`, err: "unterminated quote"},
		{in: `SET k "\x4"`, err: "bad \\x escape"},
		{in: `SET k "\xzz"`, err: "bad \\x escape"},
		{in: "   ", err: "empty command"},
	} {
		got, err := SplitArgs(tc.in)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestParseFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.txt")
	require.NoError(t, os.WriteFile(path, []byte("# comment\n=== first\nSET k v\nsorted: KEYS *\n\n!sleep 5\n=== second\nnosuchmode: GET k\n"), 0o644))
	cases, err := ParseFile(path)
	require.NoError(t, err)
	require.Len(t, cases, 2)
	assert.Equal(t, "first", cases[0].Name)
	assert.Equal(t, []Line{
		{LineNo: 3, Args: []string{"SET", "k", "v"}},
		{LineNo: 4, Mode: "sorted", Args: []string{"KEYS", "*"}},
		{LineNo: 6, Args: []string{"!sleep", "5"}},
	}, cases[0].Lines)
	// An unknown prefix is part of the command.
	assert.Equal(t, []string{"nosuchmode:", "GET", "k"}, cases[1].Lines[0].Args)

	require.NoError(t, os.WriteFile(path, []byte("GET k\n"), 0o644))
	_, err = ParseFile(path)
	assert.ErrorContains(t, err, "command before the first === case")
	require.NoError(t, os.WriteFile(path, []byte("=== x\nGET \"k\n"), 0o644))
	_, err = ParseFile(path)
	assert.ErrorContains(t, err, "x.txt:2: unterminated quote")
}

func bulk(s string) resp.Value { return resp.Value{Kind: resp.KindBulk, Str: s} }

func arr(elems ...resp.Value) resp.Value { return resp.Value{Kind: resp.KindArray, Elems: elems} }

func TestCompare(t *testing.T) {
	ab, ba := arr(bulk("a"), bulk("b")), arr(bulk("b"), bulk("a"))
	assert.Equal(t, "", Compare("", ab, ab))
	assert.Equal(t, "different replies", Compare("", ab, ba))
	assert.Equal(t, "", Compare("sorted", ab, ba))
	assert.Equal(t, "", Compare("scanall", ab, ba))
	assert.Equal(t, "different replies", Compare("sorted", ab, arr(bulk("a"))))

	// Flat pairs (RESP2) and nested pairs (RESP3).
	flat1 := arr(bulk("f1"), bulk("1"), bulk("f2"), bulk("2"))
	flat2 := arr(bulk("f2"), bulk("2"), bulk("f1"), bulk("1"))
	assert.Equal(t, "", Compare("pairs", flat1, flat2))
	assert.Equal(t, "different replies", Compare("pairs", flat1, arr(bulk("f1"), bulk("2"), bulk("f2"), bulk("1"))))
	nested1 := arr(arr(bulk("f1"), bulk("1")), arr(bulk("f2"), bulk("2")))
	nested2 := arr(arr(bulk("f2"), bulk("2")), arr(bulk("f1"), bulk("1")))
	assert.Equal(t, "", Compare("pairs", nested1, nested2))

	assert.Equal(t, "", Compare("ignore", ab, resp.Value{Kind: resp.KindInt, Int: 1}))
	assert.Equal(t, "", Compare("shape", ab, arr(bulk("x"), bulk("y"))))
	assert.Equal(t, "different shape", Compare("shape", ab, arr(bulk("x"))))

	e1, e2 := resp.Value{Kind: resp.KindError, Str: "ERR a"}, resp.Value{Kind: resp.KindError, Str: "ERR b"}
	assert.Equal(t, "", Compare("errors", e1, e2))
	assert.Equal(t, "both should be errors", Compare("errors", e1, bulk("x")))

	i := func(n int64) resp.Value { return resp.Value{Kind: resp.KindInt, Int: n} }
	assert.Equal(t, "", Compare("approx", i(1000), i(1099)))
	assert.Equal(t, "not within 100 of each other", Compare("approx", i(1000), i(1101)))
	assert.Equal(t, "", Compare("approx", arr(bulk("k"), i(5)), arr(bulk("k"), i(50))))
	assert.Equal(t, "not within 100 of each other", Compare("approx", arr(bulk("k"), i(5)), arr(bulk("j"), i(5))))

	nan := resp.Value{Kind: resp.KindDouble, Float: zero() / zero()}
	assert.True(t, Equal(nan, nan))
}

func zero() float64 { return 0 }

func TestScanAll(t *testing.T) {
	// Two pages; the second repeats an element, as SCAN may.
	pages := map[string]resp.Value{
		"0": arr(bulk("7"), arr(bulk("f1"), bulk("v1"), bulk("f2"), bulk("v2"))),
		"7": arr(bulk("0"), arr(bulk("f2"), bulk("v2"), bulk("f3"), bulk("v3"))),
	}
	var calls [][]string
	got := ScanAll([]string{"HSCAN", "h", "ignored", "COUNT", "2"}, func(a []string) resp.Value {
		calls = append(calls, slices.Clone(a))
		return pages[a[2]]
	})
	assert.Equal(t, [][]string{{"HSCAN", "h", "0", "COUNT", "2"}, {"HSCAN", "h", "7", "COUNT", "2"}}, calls)
	assert.Equal(t, arr(bulk("f1 => v1"), bulk("f2 => v2"), bulk("f3 => v3")), got)

	// An error ends the iteration and is the result.
	e := resp.Value{Kind: resp.KindError, Str: "WRONGTYPE"}
	assert.Equal(t, e, ScanAll([]string{"SCAN", "0"}, func([]string) resp.Value { return e }))
}

func TestFiles(t *testing.T) {
	_, err := Files(t.TempDir())
	assert.ErrorContains(t, err, "no differential case files")
	files, err := Files("../../testdata/diff")
	require.NoError(t, err)
	assert.Contains(t, files, filepath.Join("../../testdata/diff", "strings.txt"))
}
