package server

import (
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// newPipe returns the two ends of an in-process, full-duplex connection.
// Unlike net.Pipe, writes are buffered: a Write never waits for the peer to
// read, so a client can send a whole pipeline before reading replies.
func newPipe() (a, b *pipeConn) {
	ab, ba := newPipeBuf(), newPipeBuf()
	a = &pipeConn{rd: ba, wr: ab, rdl: newDeadline(), wdl: newDeadline()}
	b = &pipeConn{rd: ab, wr: ba, rdl: newDeadline(), wdl: newDeadline()}
	return a, b
}

// pipeBuf is one direction of a pipe: bytes written and not yet read.
type pipeBuf struct {
	mu     sync.Mutex
	data   []byte
	off    int
	closed bool          // no more writes: the reader gets io.EOF once drained
	wake   chan struct{} // closed and replaced when data arrives or closed is set
}

func newPipeBuf() *pipeBuf { return &pipeBuf{wake: make(chan struct{})} }

func (p *pipeBuf) signal() {
	close(p.wake)
	p.wake = make(chan struct{})
}

// close marks the end of the stream. The caller does not hold p.mu.
func (p *pipeBuf) close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		p.signal()
	}
	p.mu.Unlock()
}

// pipeConn is one end of a pipe; it implements net.Conn.
type pipeConn struct {
	rd, wr   *pipeBuf
	rdl, wdl *deadline

	once   sync.Once
	closed chan struct{}
	mu     sync.Mutex
}

func (c *pipeConn) done() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed == nil {
		c.closed = make(chan struct{})
	}
	return c.closed
}

func (c *pipeConn) isClosed() bool {
	select {
	case <-c.done():
		return true
	default:
		return false
	}
}

// Read reads buffered bytes, waiting for some when there are none.
func (c *pipeConn) Read(b []byte) (int, error) {
	done := c.done()
	for {
		if c.isClosed() {
			return 0, net.ErrClosed
		}
		p := c.rd
		p.mu.Lock()
		if p.off < len(p.data) {
			n := copy(b, p.data[p.off:])
			p.off += n
			if p.off == len(p.data) {
				p.data, p.off = p.data[:0], 0
			}
			p.mu.Unlock()
			return n, nil
		}
		if p.closed {
			p.mu.Unlock()
			return 0, io.EOF
		}
		if len(b) == 0 {
			p.mu.Unlock()
			return 0, nil
		}
		wake := p.wake
		p.mu.Unlock()
		select {
		case <-wake:
		case <-done:
			return 0, net.ErrClosed
		case <-c.rdl.wait():
			return 0, os.ErrDeadlineExceeded
		}
	}
}

// Write appends b to the peer's input; it never waits.
func (c *pipeConn) Write(b []byte) (int, error) {
	if c.isClosed() {
		return 0, net.ErrClosed
	}
	select {
	case <-c.wdl.wait():
		return 0, os.ErrDeadlineExceeded
	default:
	}
	p := c.wr
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return 0, io.ErrClosedPipe
	}
	p.data = append(p.data, b...)
	p.signal()
	return len(b), nil
}

// Close closes both directions: the peer reads io.EOF after what was sent.
func (c *pipeConn) Close() error {
	done := c.done()
	c.once.Do(func() {
		close(done)
		c.wr.close()
		c.rd.close()
	})
	return nil
}

func (c *pipeConn) LocalAddr() net.Addr  { return pipeAddr{} }
func (c *pipeConn) RemoteAddr() net.Addr { return pipeAddr{} }

func (c *pipeConn) SetDeadline(t time.Time) error {
	c.rdl.set(t)
	c.wdl.set(t)
	return nil
}
func (c *pipeConn) SetReadDeadline(t time.Time) error  { c.rdl.set(t); return nil }
func (c *pipeConn) SetWriteDeadline(t time.Time) error { c.wdl.set(t); return nil }

// pipeAddr is the address of both ends of an in-process connection.
type pipeAddr struct{}

func (pipeAddr) Network() string { return "racefree" }
func (pipeAddr) String() string  { return "racefree" }

// deadline is a settable deadline: wait returns a channel closed once it has
// passed. One timer is reused across set calls.
type deadline struct {
	mu    sync.Mutex
	at    time.Time
	timer *time.Timer
	ch    chan struct{}
}

func newDeadline() *deadline { return &deadline{ch: make(chan struct{})} }

func (d *deadline) fire() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.at.IsZero() || time.Now().Before(d.at) {
		return // moved since the timer was armed
	}
	select {
	case <-d.ch:
	default:
		close(d.ch)
	}
}

func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.at = t
	select {
	case <-d.ch:
		d.ch = make(chan struct{})
	default:
	}
	if t.IsZero() {
		if d.timer != nil {
			d.timer.Stop()
		}
		return
	}
	dur := time.Until(t)
	if dur <= 0 {
		close(d.ch)
		return
	}
	if d.timer == nil {
		d.timer = time.AfterFunc(dur, d.fire)
		return
	}
	d.timer.Reset(dur)
}

func (d *deadline) wait() chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ch
}
