package server

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A client that closes its side of the connection while blocked in BLPOP,
// BZPOPMIN or XREAD BLOCK is dropped at once, with no reply, as
// redis-server does (ioredis's disconnect waits for that).
func TestHalfCloseEndsBlockedCommand(t *testing.T) {
	s := newStore(t)
	addr, _ := startTCP(t, s)
	for _, cmd := range []string{"BLPOP l 10", "BZPOPMIN z 10", "XREAD BLOCK 10000 STREAMS st $"} {
		t.Run(cmd, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer c.Close()
			_, err = io.WriteString(c, cmd+"\r\n")
			require.NoError(t, err)
			time.Sleep(50 * time.Millisecond)
			require.NoError(t, c.(*net.TCPConn).CloseWrite())
			start := time.Now()
			require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
			got, err := io.ReadAll(c)
			require.NoError(t, err)
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.Empty(t, string(got))
		})
	}
}
