package racefree

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// infoFields returns the section titles and field names of an INFO text.
func infoFields(text string) (sections []string, fields map[string][]string) {
	fields = map[string][]string{}
	cur := ""
	for _, line := range strings.Split(text, "\r\n") {
		switch {
		case strings.HasPrefix(line, "# "):
			cur = line[2:]
			sections = append(sections, cur)
		case line != "":
			name, _, _ := strings.Cut(line, ":")
			fields[cur] = append(fields[cur], name)
		}
	}
	return sections, fields
}

// TestInfoShapeMatchesRedis compares the sections of INFO, INFO all and
// INFO everything, and the field names of each section, with the live
// server's. The per-command sections and the keyspace depend on what ran.
func TestInfoShapeMatchesRedis(t *testing.T) {
	live := dialLive(t)
	s := newTestStore(t)
	st := &storeConn{s: s}
	for _, args := range [][]string{{"INFO"}, {"INFO", "all"}, {"INFO", "everything"}, {"INFO", "default"},
		{"INFO", "server", "clients"}, {"INFO", "memory"}, {"INFO", "stats", "persistence", "replication", "cpu"}} {
		wantSec, wantFields := infoFields(live.do(t, args...).Str)
		text := st.do(args...).Str
		require.True(t, strings.HasSuffix(text, "\r\n"), "lines end in CRLF")
		gotSec, gotFields := infoFields(text)
		require.Equal(t, wantSec, gotSec, "%v", args)
		for _, sec := range wantSec {
			switch sec {
			case "Commandstats", "Errorstats", "Latencystats", "Keyspace":
				continue
			}
			require.Equal(t, wantFields[sec], gotFields[sec], "%v: section %s", args, sec)
		}
	}
}

func TestInfoValues(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	defer c.Close()
	require.NoError(t, s.Set("a", "1", 0))
	require.NoError(t, s.DB(2).Set("b", "1", 0))
	text, err := s.Info("server", "clients", "keyspace")
	require.NoError(t, err)
	require.Contains(t, text, "# Server\r\nredis_version:7.0.15\r\n")
	require.Contains(t, text, "connected_clients:1\r\n")
	require.True(t, strings.HasSuffix(text, "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\ndb2:keys=1,expires=0,avg_ttl=0\r\n"), text)
	text, err = s.Info("nosuch")
	require.NoError(t, err)
	require.Equal(t, "", text)

	connReply(c, "PING")
	connReply(c, "PING")
	text, _ = s.Info("stats")
	require.Contains(t, text, "total_commands_processed:2\r\n")
	require.Contains(t, text, "total_connections_received:1\r\n")
}

func ExampleStore_Info() {
	s, _ := New()
	defer s.Close()
	s.Set("greeting", "hello", 0)
	text, _ := s.Info("keyspace")
	fmt.Print(strings.ReplaceAll(text, "\r\n", "\n"))
	// Output:
	// # Keyspace
	// db0:keys=1,expires=0,avg_ttl=0
}

func TestInfoPubSubCounts(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	defer c.Close()
	connReply(c, "SUBSCRIBE", "a", "b")
	connReply(c, "PSUBSCRIBE", "p*")
	text, err := s.Info("stats", "clients")
	require.NoError(t, err)
	require.Contains(t, text, "\r\npubsub_channels:2\r\npubsub_patterns:1\r\n")
}
