package racefree

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/resp"
)

// TestCommandInfoAndDocsMatchRedis compares COMMAND INFO and COMMAND DOCS of
// every command in the table with the live server's, in RESP2 and RESP3.
func TestCommandInfoAndDocsMatchRedis(t *testing.T) {
	live := dialLive(t)
	s := newTestStore(t)
	for _, proto := range []string{"2", "3"} {
		live.do(t, "HELLO", proto)
		st := &storeConn{s: s}
		st.do("HELLO", proto)
		for _, cmd := range commandList {
			for _, sub := range []string{"INFO", "DOCS"} {
				// Subcommands come in hash order on redis-server, which
				// changes from run to run: they are compared sorted.
				want := sortSubcommands(live.do(t, "COMMAND", sub, cmd.name))
				got := sortSubcommands(st.do("COMMAND", sub, cmd.name))
				if !valuesEqual(want, got) {
					t.Errorf("RESP%s COMMAND %s %s differs:\nredis-server:\n%v\nracefree:\n%v", proto, sub, cmd.name, want, got)
				}
			}
		}
	}
	live.do(t, "HELLO", "2")
}

// sortSubcommands sorts the subcommands inside a COMMAND INFO or COMMAND
// DOCS reply of one command.
func sortSubcommands(v resp.Value) resp.Value {
	if len(v.Elems) == 0 {
		return v
	}
	if v.Elems[0].Kind == resp.KindArray && len(v.Elems[0].Elems) > 9 { // INFO
		info := v.Elems[0]
		info.Elems[9] = sortedTop(info.Elems[9], 1)
		return v
	}
	if len(v.Elems) == 2 { // DOCS: name, then the doc map
		doc := v.Elems[1]
		for i := 0; i+1 < len(doc.Elems); i += 2 {
			if doc.Elems[i].Str == "subcommands" {
				doc.Elems[i+1] = sortedTop(doc.Elems[i+1], 2)
			}
		}
	}
	return v
}

// TestCommandMetaMatchesTable checks the stored COMMAND INFO against the
// table, without a live server: every command and subcommand has metadata
// with the table's arity and flags.
func TestCommandMetaMatchesTable(t *testing.T) {
	var check func(cmd *command)
	check = func(cmd *command) {
		m := commandMeta(cmd.name)
		if m == nil {
			t.Errorf("%s: no stored metadata", cmd.name)
			return
		}
		require.Equal(t, cmd.name, m.info.Elems[0].Str)
		require.Equal(t, int64(cmd.arity), m.info.Elems[1].Int, cmd.name)
		var flags []string
		for _, f := range flagNames {
			if cmd.flags&f.flag != 0 {
				flags = append(flags, f.name)
			}
		}
		var stored []string
		for _, f := range m.info.Elems[2].Elems {
			stored = append(stored, f.Str)
		}
		require.Equal(t, fmt.Sprint(flags), fmt.Sprint(stored), cmd.name)
		for _, sub := range cmd.subs {
			check(sub)
		}
	}
	for _, cmd := range commandList {
		check(cmd)
	}
}

func TestCommandCountAndList(t *testing.T) {
	s := newTestStore(t)
	n, err := s.CommandCount()
	require.NoError(t, err)
	require.Equal(t, int64(len(commandList)), n)
	v, err := s.Do("COMMAND", "COUNT")
	require.NoError(t, err)
	require.Equal(t, int64(len(commandList)), v)

	v, err = s.Do("COMMAND")
	require.NoError(t, err)
	require.Len(t, v, len(commandList))

	names := 0
	for _, cmd := range commandList {
		names += 1 + len(cmd.subs)
	}
	v, err = s.Do("COMMAND", "LIST")
	require.NoError(t, err)
	require.Len(t, v, names)

	v, err = s.Do("COMMAND", "DOCS")
	require.NoError(t, err)
	require.Len(t, v, 2*len(commandList))
}

func TestCommandGetKeysTyped(t *testing.T) {
	s := newTestStore(t)
	keys, err := s.CommandGetKeys("ZUNIONSTORE", "dst", "2", "a", "b")
	require.NoError(t, err)
	require.Equal(t, []string{"dst", "a", "b"}, keys)
	keys, err = s.CommandGetKeys("EVAL", "return 1", "0")
	require.NoError(t, err)
	require.Empty(t, keys)
	_, err = s.CommandGetKeys("PING", "x")
	require.EqualError(t, err, "ERR The command has no key arguments")
}

func TestCommandInfoResp3Kinds(t *testing.T) {
	s := newTestStore(t)
	st := &storeConn{s: s}
	st.do("HELLO", "3")
	v := st.do("COMMAND", "INFO", "get")
	require.Equal(t, resp.KindArray, v.Kind)
	require.Equal(t, resp.KindSet, v.Elems[0].Elems[2].Kind, "flags are a set in RESP3")
	v = st.do("COMMAND", "DOCS", "get")
	require.Equal(t, resp.KindMap, v.Kind)
}

func ExampleStore_CommandGetKeys() {
	s, _ := New()
	defer s.Close()
	keys, _ := s.CommandGetKeys("SORT", "list", "BY", "w_*", "STORE", "out")
	fmt.Println(keys)
	// Output: [list out]
}
