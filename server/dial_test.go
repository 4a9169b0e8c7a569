package server

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"os"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientDialers(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	dialers := map[string]func() (net.Conn, error){
		"GoRedisDialer":     func() (net.Conn, error) { return GoRedisDialer(s)(ctx, "tcp", "127.0.0.1:6379") },
		"RedigoDialContext": func() (net.Conn, error) { return RedigoDialContext(s)(ctx, "tcp", "racefree:6379") },
		"RedigoDial":        func() (net.Conn, error) { return RedigoDial(s)("tcp", "racefree:6379") },
		"RueidisDialer": func() (net.Conn, error) {
			return RueidisDialer(s)(ctx, "racefree:6379", &net.Dialer{}, &tls.Config{})
		},
	}
	for name, dial := range dialers {
		t.Run(name, func(t *testing.T) {
			c, err := dial()
			require.NoError(t, err)
			defer c.Close()
			exchange(t, c, "PING\r\n", "+PONG\r\n")
			exchange(t, c, "*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n", "$2\r\nhi\r\n")
			assert.Equal(t, "racefree", c.RemoteAddr().String())
		})
	}

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err := GoRedisDialer(s)(canceled, "tcp", "x")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = RedigoDialContext(s)(canceled, "tcp", "x")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = RueidisDialer(s)(canceled, "x", nil, nil)
	assert.ErrorIs(t, err, context.Canceled)
}

// TestDialSynctest checks that a connection made inside a synctest bubble
// runs on the bubble's fake time: a blocking command's timeout and a read
// deadline pass at once, and nothing is left running at the end.
func TestDialSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newStore(t)
		c := Dial(s)
		defer c.Close()
		start := time.Now()
		_, err := io.WriteString(c, "*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$2\r\n60\r\n")
		require.NoError(t, err)
		got := make([]byte, 5)
		_, err = io.ReadFull(c, got)
		require.NoError(t, err)
		assert.Equal(t, "*-1\r\n", string(got))
		assert.Equal(t, 60*time.Second, time.Since(start))

		require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
		_, err = c.Read(make([]byte, 1))
		assert.ErrorIs(t, err, os.ErrDeadlineExceeded)
		var ne net.Error
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.Timeout())
		assert.Equal(t, 65*time.Second, time.Since(start))
	})
}
