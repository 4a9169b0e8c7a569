// Package server serves a racefree Store over the Redis protocol (RESP2 and
// RESP3, switched by HELLO): on TCP listeners, on any net.Conn, and on
// in-process connections without a socket (Dial, Dialer) for Redis clients
// such as go-redis in tests.
package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/resp"
)

// Serve serves one client connection on s until the client closes it, sends
// QUIT or breaks the protocol (it then gets Redis's protocol error text
// first), the connection is killed (CLIENT KILL, the Store closing, a
// subscriber too slow for its output limit), or ctx ends. It closes c
// before returning. Requests may be pipelined: each gets its reply, and
// replies are flushed when no more input is buffered. A command blocked in
// BLPOP and the like is released when ctx ends.
//
// Pushes (pub/sub messages, client-side cache invalidations, MONITOR lines)
// are written as they come, between replies, even while the client sends
// nothing or waits in BLPOP and the like. Serve returns nil when the client
// closed the
// connection or sent QUIT, the protocol or read error otherwise, or
// ctx.Err() when ctx ended; it returns only once its goroutines have.
func Serve(ctx context.Context, s *racefree.Store, c net.Conn) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	defer c.Close()

	conn := s.NewConn()
	defer conn.Close()
	if _, pipe := c.RemoteAddr().(pipeAddr); !pipe {
		conn.SetAddr(c.RemoteAddr().String(), c.LocalAddr().String())
	}
	br := bufio.NewReaderSize(c, 16<<10)
	bw := bufio.NewWriterSize(c, 16<<10)
	enc := resp.NewEncoder(bw)
	rr := resp.NewRequestReader(br)

	// wmu guards bw and enc: the loop below holds it while it runs a
	// command and writes the reply; the push writer while it writes
	// pushes that came in between commands.
	var wmu sync.Mutex
	// While a command waits (BLPOP), Exec leaves the writer alone: flush
	// the replies before it and let the push writer in until it is over.
	conn.SetBlockHook(func(waiting bool) {
		if waiting {
			bw.Flush()
			wmu.Unlock()
		} else {
			wmu.Lock()
		}
	})
	pushesDone := make(chan struct{})
	go func() {
		defer close(pushesDone)
		writePushes(ctx, conn, c, &wmu, bw)
	}()
	defer func() {
		cancel()
		<-pushesDone
	}()

	var pushBuf []byte
	for {
		rr.Unauthenticated = !conn.Authenticated()
		args, err := rr.ReadCommand()
		if err != nil {
			wmu.Lock()
			defer wmu.Unlock()
			var perr *resp.ProtocolError
			if errors.As(err, &perr) {
				enc.Error(perr.Msg)
				enc.Flush()
				return err
			}
			enc.Flush()
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		wmu.Lock()
		enc.SetProto(conn.Proto())
		var closeAfter, gone bool
		if br.Buffered() == 0 && conn.MayBlock(args) {
			closeAfter, gone = execWatchingEOF(ctx, c, br, func(ctx context.Context) bool {
				return conn.Exec(ctx, args, enc)
			})
		} else {
			closeAfter = conn.Exec(ctx, args, enc)
		}
		if gone {
			// The client left while the command blocked: like Redis,
			// drop it without a reply.
			wmu.Unlock()
			return nil
		}
		// Pushes sent while the command ran follow its reply, as in Redis.
		if pushBuf = conn.TakePushes(pushBuf[:0]); len(pushBuf) > 0 {
			bw.Write(pushBuf)
		}
		if closeAfter {
			err := enc.Flush()
			wmu.Unlock()
			return err
		}
		if br.Buffered() == 0 {
			if err := enc.Flush(); err != nil {
				wmu.Unlock()
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return err
			}
		}
		wmu.Unlock()
	}
}

// writePushes writes conn's pushes to bw as they come, and closes c when
// the connection is killed, until ctx ends.
func writePushes(ctx context.Context, conn *racefree.Conn, c net.Conn, wmu *sync.Mutex, bw *bufio.Writer) {
	ready, killed := conn.PushReady(), conn.Done()
	var buf []byte
	for {
		select {
		case <-ready:
			wmu.Lock()
			if buf = conn.TakePushes(buf[:0]); len(buf) > 0 {
				bw.Write(buf)
				if bw.Flush() != nil {
					wmu.Unlock()
					c.Close() // the reader stops too
					return
				}
			}
			wmu.Unlock()
		case <-killed:
			c.Close()
			return
		case <-ctx.Done():
			return
		}
	}
}

// Server serves a Store on any number of listeners and connections, and
// ends them all on Close.
type Server struct {
	s      *racefree.Store
	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	closed    bool
	listeners map[net.Listener]struct{}
	wg        sync.WaitGroup
}

// New returns a Server for s. Closing the Server does not close s.
func New(s *racefree.Store) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{s: s, ctx: ctx, cancel: cancel, listeners: map[net.Listener]struct{}{}}
}

// ErrServerClosed is returned by Server.Serve and ServeConn after Close.
var ErrServerClosed = errors.New("racefree/server: server closed")

// Serve accepts connections on ln and serves each on its own goroutine,
// until ln fails or the Server is closed (then it returns ErrServerClosed).
// It closes ln before returning.
func (srv *Server) Serve(ln net.Listener) error {
	srv.mu.Lock()
	if srv.closed {
		srv.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	srv.listeners[ln] = struct{}{}
	srv.wg.Add(1)
	srv.mu.Unlock()
	defer srv.wg.Done()
	defer func() {
		srv.mu.Lock()
		delete(srv.listeners, ln)
		srv.mu.Unlock()
		ln.Close()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			if srv.ctx.Err() != nil {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		srv.ServeConn(c)
	}
}

// ServeConn serves c on a new goroutine until it ends or the Server is
// closed. After Close it closes c at once.
func (srv *Server) ServeConn(c net.Conn) {
	srv.mu.Lock()
	if srv.closed {
		srv.mu.Unlock()
		c.Close()
		return
	}
	srv.wg.Add(1)
	srv.mu.Unlock()
	go func() {
		defer srv.wg.Done()
		Serve(srv.ctx, srv.s, c)
	}()
}

// Close stops every listener, ends every connection (releasing commands
// blocked in BLPOP and the like) and waits until all their goroutines have
// returned. It is safe to call more than once.
func (srv *Server) Close() error {
	srv.cancel()
	srv.mu.Lock()
	srv.closed = true
	for ln := range srv.listeners {
		ln.Close()
	}
	srv.mu.Unlock()
	srv.wg.Wait()
	return nil
}

// ListenAndServe listens on the TCP address addr and serves s there until
// ctx ends; it then closes the listener and every connection, waits for
// them, and returns ctx.Err(). It returns at once if it cannot listen.
func ListenAndServe(ctx context.Context, s *racefree.Store, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := New(s)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		srv.Close()
		<-done
		return ctx.Err()
	case err := <-done:
		srv.Close()
		return err
	}
}

// Dial returns the client end of an in-process connection to s: no socket,
// served by a goroutine of its own (Serve) until either end is closed.
// Close the connection when done with it.
func Dial(s *racefree.Store) net.Conn {
	client, srvEnd := newPipe()
	go Serve(context.Background(), s, srvEnd)
	return client
}

// Dialer returns a dial function for go-redis's Options.Dialer (and any
// client with that hook signature) that ignores network and addr and
// returns Dial(s).
func Dialer(s *racefree.Store) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return Dial(s), nil
	}
}

// execWatchingEOF runs exec while it watches the connection for the client
// closing it, which ends exec's context (as redis-server frees a blocked
// client the moment it disconnects), and reports whether that happened.
// Input that arrives meanwhile stays buffered in br for the next read.
func execWatchingEOF(ctx context.Context, c net.Conn, br *bufio.Reader, exec func(context.Context) bool) (closeAfter, gone bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := br.Peek(1); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			gone = true
			cancel()
		}
	}()
	closeAfter = exec(ctx)
	c.SetReadDeadline(time.Now()) // ends the Peek
	<-done
	c.SetReadDeadline(time.Time{})
	return closeAfter, gone
}
