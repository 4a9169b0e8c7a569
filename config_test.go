package racefree

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConfigGetAllMatchesRedis compares CONFIG GET * with the live server:
// the same parameters, with the same values but for those that describe how
// the server was started.
func TestConfigGetAllMatchesRedis(t *testing.T) {
	live := dialLive(t)
	s := newTestStore(t)
	st := &storeConn{s: s}
	toMap := func(kv []string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	var want, got []string
	for _, v := range live.do(t, "CONFIG", "GET", "*").Elems {
		want = append(want, v.Str)
	}
	for _, v := range st.do("CONFIG", "GET", "*").Elems {
		got = append(got, v.Str)
	}
	wm, gm := toMap(want), toMap(got)
	require.Equal(t, len(wm), len(gm))
	for k, v := range wm {
		g, ok := gm[k]
		require.True(t, ok, "missing parameter %s", k)
		switch k {
		case "port", "dir", "pidfile", "logfile", "daemonize", "bind", "enable-debug-command":
			continue
		}
		require.Equal(t, v, g, "parameter %s", k)
	}
}

func TestConfigSetTakesEffect(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.ConfigSet("requirepass", "secret"))
	c := s.NewConn()
	defer c.Close()
	require.Equal(t, "NOAUTH Authentication required.", connReply(c, "GET", "k").Str)
	require.Equal(t, "OK", connReply(c, "AUTH", "secret").Str)
	require.Equal(t, "OK", connReply(c, "CONFIG", "SET", "requirepass", "").Str)

	require.Equal(t, "OK", connReply(c, "CONFIG", "SET", "lua-time-limit", "1234").Str)
	cfg, err := s.ConfigGet("busy-reply-threshold", "lua-time-limit")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"busy-reply-threshold": "1234", "lua-time-limit": "1234"}, cfg)
	require.Equal(t, 1234*1e6, float64(s.kill.busyAfter))

	err = s.ConfigSet("databases", "4")
	require.EqualError(t, err, "ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config")
	require.True(t, errors.Is(err, errConfigSet))

	// Atomic: a bad value sets nothing.
	err = s.ConfigSet("hz", "20", "maxmemory", "lots")
	require.EqualError(t, err, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value")
	cfg, _ = s.ConfigGet("hz")
	require.Equal(t, "10", cfg["hz"])

	cfg, _ = s.ConfigGet("databases")
	require.Equal(t, "16", cfg["databases"])
	require.Error(t, s.ConfigSet("hz"))
}

func ExampleStore_ConfigSet() {
	s, _ := New()
	defer s.Close()
	s.ConfigSet("maxmemory", "100mb", "maxmemory-policy", "allkeys-lru")
	cfg, _ := s.ConfigGet("maxmemory*")
	fmt.Println(cfg["maxmemory"], cfg["maxmemory-policy"])
	// Output: 104857600 allkeys-lru
}
