package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/internal/difftest"
	"github.com/racefree/racefree/internal/redistest"
	"github.com/racefree/racefree/resp"
)

// The differential cases of the root package (testdata/diff/*.txt), run over
// the wire: each case goes to the live redis-server over TCP and to a Store
// over Dial, once on RESP2 connections and once on RESP3 ones (HELLO 3 at the
// start of each case unless the case runs HELLO itself). Lines without a
// mode must produce the same reply bytes; lines with one compare parsed
// replies as the root package does.

func TestMain(m *testing.M) {
	code := redistest.Main(m)
	writeWireSummary()
	os.Exit(code)
}

// wireStats counts what TestDifferentialWire compared, per protocol.
var wireStats [4]struct{ cases, commands int }

func writeWireSummary() {
	path := os.Getenv("RACEFREE_TEST_SUMMARY")
	if path == "" || wireStats[2].cases+wireStats[3].cases == 0 {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "differential over the wire: RESP2 %d cases, %d commands; RESP3 %d cases, %d commands (lines without a mode compared byte for byte with redis-server)\n",
		wireStats[2].cases, wireStats[2].commands, wireStats[3].cases, wireStats[3].commands)
}

// wireSkips names cases that cannot run over a connection, with the reason.
// The key is "file.txt/case name".
var wireSkips = map[string]string{}

// wireTimeout bounds every read so that a missing reply fails the test
// instead of hanging it.
const wireTimeout = 10 * time.Second

func TestDifferentialWire(t *testing.T) {
	redistest.Need(t)
	files, err := difftest.Files("../testdata/diff")
	if err != nil {
		t.Fatal(err)
	}
	config := liveConfig(t)
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			for _, path := range files {
				cases, err := difftest.ParseFile(path)
				if err != nil {
					t.Fatal(err)
				}
				file := filepath.Base(path)
				t.Run(strings.TrimSuffix(file, ".txt"), func(t *testing.T) {
					s := newStore(t)
					p := &wirePair{t: t, s: s}
					p.dial()
					defer p.close()
					defer restoreConfig(t, config)
					for _, c := range cases {
						t.Run(c.Name, func(t *testing.T) {
							if why := wireSkips[file+"/"+c.Name]; why != "" {
								t.Skip(why)
							}
							p.t = t
							p.runCase(c, proto)
							wireStats[proto].cases++
							wireStats[proto].commands += p.commands
						})
					}
				})
			}
		})
	}
}

// liveConfig returns the live server's configuration.
func liveConfig(t *testing.T) map[string]string {
	t.Helper()
	c := redistest.Dial(t)
	v := c.Do(t, "CONFIG", "GET", "*")
	config := map[string]string{}
	for i := 0; i+1 < len(v.Elems); i += 2 {
		config[v.Elems[i].Str] = v.Elems[i+1].Str
	}
	return config
}

// restoreConfig sets back what the cases of a file changed with CONFIG SET
// on the live server, so that the next file (and the RESP3 round) starts
// from the same configuration as the Store, which is fresh for each file.
func restoreConfig(t *testing.T, config map[string]string) {
	t.Helper()
	c := redistest.Dial(t)
	for name, value := range liveConfig(t) {
		if want, ok := config[name]; ok && want != value {
			if v := c.Do(t, "CONFIG", "SET", name, want); v.Kind == resp.KindError {
				t.Logf("restoring %s on redis-server: %s", name, v.Str)
			}
		}
	}
}

// wirePair is a connection to redis-server and one to a Store, driven in
// lockstep.
type wirePair struct {
	t        *testing.T
	s        *racefree.Store
	live     *wireConn
	store    *wireConn
	commands int // compared in the current case

	replyOff  bool // CLIENT REPLY OFF is in force
	skipReply int  // replies CLIENT REPLY SKIP suppresses

	// subs holds the live connection's subscriptions by kind ("subscribe",
	// "psubscribe", "ssubscribe"), from the confirmations it received: an
	// UNSUBSCRIBE without arguments gets one reply per subscription.
	subs map[string]map[string]bool
}

func (p *wirePair) dial() {
	p.t.Helper()
	c, err := net.Dial("tcp", redistest.Addr())
	if err != nil {
		p.t.Errorf("dial redis-server: %v", err)
		c = Dial(p.s) // the next case fails on it instead of panicking
	}
	p.live = newWireConn(c)
	p.store = newWireConn(Dial(p.s))
	p.replyOff, p.skipReply = false, 0
	p.subs = nil
}

func (p *wirePair) close() {
	p.live.c.Close()
	p.store.c.Close()
}

var syncSeq int

// runCase resets both connections, then runs the case's lines.
func (p *wirePair) runCase(c difftest.Case, proto int) {
	p.commands = 0
	defer func() {
		if p.t.Failed() {
			// Replies may now be out of step, or a command still blocked:
			// start the next case on new connections.
			p.close()
			p.dial()
		}
	}()
	p.resync()
	p.both("FLUSHALL")
	switches := false
	for _, l := range c.Lines {
		if strings.EqualFold(l.Args[0], "hello") {
			switches = true
		}
	}
	if proto == 3 && !switches {
		p.both("HELLO", "3")
	}
	for _, l := range c.Lines {
		p.line(l)
		if p.t.Failed() {
			return
		}
	}
}

// resync sends RESET and an ECHO marker on both sides and reads up to the
// marker, so that replies left over by the previous case (pushes, a reply
// that was not read) are gone. What each side sent before the marker must be
// the same.
func (p *wirePair) resync() {
	p.t.Helper()
	syncSeq++
	marker := "racefree-sync-" + strconv.Itoa(syncSeq)
	var got [2][]string
	for i, c := range []*wireConn{p.live, p.store} {
		c.send([]string{"RESET"})
		c.send([]string{"ECHO", marker})
		for n := 0; ; n++ {
			raw, _, err := c.read()
			if err != nil {
				p.t.Fatalf("resync with %s: %v (read %q)", p.side(i), err, got[i])
			}
			if string(raw) == "$"+strconv.Itoa(len(marker))+"\r\n"+marker+"\r\n" {
				break
			}
			if n > 10000 {
				p.t.Fatalf("resync with %s: no marker", p.side(i))
			}
			got[i] = append(got[i], string(raw))
		}
	}
	p.replyOff, p.skipReply = false, 0
	p.subs = nil
	if strings.Join(got[0], "") != strings.Join(got[1], "") {
		p.t.Errorf("before the next case, the connections held different replies:\nredis-server: %q\nracefree: %q", got[0], got[1])
	}
}

func (p *wirePair) side(i int) string {
	if i == 0 {
		return "redis-server"
	}
	return "racefree"
}

// both runs a command on both sides without comparing the replies.
func (p *wirePair) both(args ...string) {
	p.t.Helper()
	for i, c := range []*wireConn{p.live, p.store} {
		c.send(args)
		if _, _, err := c.read(); err != nil {
			p.t.Fatalf("%s: %s: %v", p.side(i), difftest.QuoteArgs(args), err)
		}
	}
}

// line runs one line of a case on both sides and compares.
func (p *wirePair) line(l difftest.Line) {
	t := p.t
	t.Helper()
	if l.Args[0] == "!sleep" {
		ms, _ := strconv.Atoi(l.Args[1])
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return
	}
	p.commands++
	if l.Mode == "scanall" {
		do := func(c *wireConn) func([]string) resp.Value {
			return func(a []string) resp.Value {
				c.send(a)
				_, v, err := c.read()
				if err != nil {
					t.Fatalf("line %d: %s: %v", l.LineNo, difftest.QuoteArgs(a), err)
				}
				return v
			}
		}
		want, got := difftest.ScanAll(l.Args, do(p.live)), difftest.ScanAll(l.Args, do(p.store))
		if msg := difftest.Compare(l.Mode, want, got); msg != "" {
			t.Errorf("line %d: %s\n%s\nredis-server:\n%v\nracefree:\n%v", l.LineNo, difftest.QuoteArgs(l.Args), msg, want, got)
		}
		return
	}
	p.live.send(l.Args)
	p.store.send(l.Args)
	wantRaw, want, err := p.live.readReplies(p.expectReplies(l.Args))
	if err != nil {
		t.Fatalf("line %d: %s: redis-server: %v", l.LineNo, difftest.QuoteArgs(l.Args), err)
	}
	gotRaw, got, err := p.store.readReplies(len(want))
	if err != nil {
		t.Fatalf("line %d: %s: racefree: %v\nredis-server sent %q", l.LineNo, difftest.QuoteArgs(l.Args), err, wantRaw)
	}
	p.noteReplyMode(l.Args, want)
	p.noteSubscriptions(l.Args, want)
	if strings.EqualFold(l.Args[0], "quit") {
		// Both servers close the connection after QUIT's reply: the case
		// goes on with new connections, as a client would reconnect.
		defer func() {
			p.close()
			p.dial()
		}()
	}
	if l.Mode == "" {
		if !bytes.Equal(wantRaw, gotRaw) {
			t.Errorf("line %d: %s\ndifferent reply bytes\nredis-server: %q\nracefree:     %q", l.LineNo, difftest.QuoteArgs(l.Args), wantRaw, gotRaw)
		}
		return
	}
	for i := range want {
		if msg := difftest.Compare(l.Mode, want[i], got[i]); msg != "" {
			t.Errorf("line %d: %s\n%s\nredis-server:\n%v\nracefree:\n%v", l.LineNo, difftest.QuoteArgs(l.Args), msg, want[i], got[i])
		}
	}
}

// expectReplies returns how many replies redis-server sends for args: 0
// under CLIENT REPLY OFF/SKIP, one per channel for the SUBSCRIBE family, one
// per subscription (at least one) for an UNSUBSCRIBE-family command without
// arguments, 1 otherwise.
func (p *wirePair) expectReplies(args []string) int {
	name := strings.ToLower(args[0])
	if name == "client" && len(args) == 3 && strings.EqualFold(args[1], "reply") {
		switch strings.ToLower(args[2]) {
		case "on":
			p.replyOff, p.skipReply = false, 0
			return 1
		case "off", "skip":
			return 0
		}
	}
	if p.replyOff {
		return 0
	}
	if p.skipReply > 0 {
		p.skipReply--
		return 0
	}
	switch name {
	case "subscribe", "psubscribe", "ssubscribe":
		return max(len(args)-1, 1)
	case "unsubscribe", "punsubscribe", "sunsubscribe":
		if len(args) == 1 {
			return max(len(p.subs[name[2:]]), 1)
		}
		return len(args) - 1
	case "reset":
		p.subs = nil
	}
	return 1
}

// noteSubscriptions follows the subscriptions of the live connection from
// the confirmations among its replies.
func (p *wirePair) noteSubscriptions(args []string, replies []resp.Value) {
	for _, v := range replies {
		if v.Kind != resp.KindArray || len(v.Elems) != 3 || v.Elems[0].Kind != resp.KindBulk || v.Elems[2].Kind != resp.KindInt {
			continue
		}
		kind := strings.ToLower(v.Elems[0].Str)
		sub, unsub := strings.CutPrefix(kind, "un")
		switch sub {
		case "subscribe", "psubscribe", "ssubscribe":
		default:
			continue
		}
		if p.subs == nil {
			p.subs = map[string]map[string]bool{}
		}
		if p.subs[sub] == nil {
			p.subs[sub] = map[string]bool{}
		}
		if unsub {
			delete(p.subs[sub], v.Elems[1].Str)
		} else {
			p.subs[sub][v.Elems[1].Str] = true
		}
	}
}

// noteReplyMode tracks CLIENT REPLY OFF and SKIP after they succeeded (no
// reply means success).
func (p *wirePair) noteReplyMode(args []string, replies []resp.Value) {
	if len(replies) != 0 || len(args) != 3 || !strings.EqualFold(args[0], "client") || !strings.EqualFold(args[1], "reply") {
		return
	}
	switch strings.ToLower(args[2]) {
	case "off":
		p.replyOff = true
	case "skip":
		p.skipReply = 1
	}
}

// wireConn is one client connection of the differential harness.
type wireConn struct {
	c  net.Conn
	rd *bufio.Reader
}

func newWireConn(c net.Conn) *wireConn { return &wireConn{c: c, rd: bufio.NewReader(c)} }

func (c *wireConn) send(args []string) {
	c.c.SetWriteDeadline(time.Now().Add(wireTimeout))
	c.c.Write(resp.AppendCommand(nil, args...))
}

// read reads one reply: its bytes and its parsed value.
func (c *wireConn) read() ([]byte, resp.Value, error) {
	c.c.SetReadDeadline(time.Now().Add(wireTimeout))
	raw, err := readRaw(c.rd, nil, 0)
	if err != nil {
		return raw, resp.Value{}, err
	}
	v, err := resp.ReadValue(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		// resp.ReadValue rejects a few things servers send (",-nan"):
		// compare those as raw text.
		v = resp.Value{Kind: resp.KindStatus, Str: "unparsed: " + string(raw)}
	}
	return raw, v, nil
}

// readReplies reads n replies; an error reply (to a SUBSCRIBE-family
// command) ends them.
func (c *wireConn) readReplies(n int) ([]byte, []resp.Value, error) {
	var raws []byte
	var vals []resp.Value
	for range n {
		raw, v, err := c.read()
		raws = append(raws, raw...)
		if err != nil {
			return raws, vals, err
		}
		vals = append(vals, v)
		if v.Kind == resp.KindError {
			break
		}
	}
	return raws, vals, nil
}

// readRaw appends the bytes of one RESP2 or RESP3 value to dst.
func readRaw(r *bufio.Reader, dst []byte, depth int) ([]byte, error) {
	if depth > 100 {
		return dst, fmt.Errorf("reply nested too deeply")
	}
	line, err := r.ReadBytes('\n')
	dst = append(dst, line...)
	if err != nil {
		return dst, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return dst, fmt.Errorf("malformed reply line %q", line)
	}
	body := string(line[1 : len(line)-2])
	switch line[0] {
	case '$', '=', '!':
		n, err := strconv.Atoi(body)
		if err != nil {
			return dst, fmt.Errorf("bad length in %q", line)
		}
		if n < 0 {
			return dst, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return dst, err
		}
		return append(dst, buf...), nil
	case '*', '~', '%', '>', '|':
		n, err := strconv.Atoi(body)
		if err != nil {
			return dst, fmt.Errorf("bad count in %q", line)
		}
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for range n {
			if dst, err = readRaw(r, dst, depth+1); err != nil {
				return dst, err
			}
		}
		if line[0] == '|' { // an attribute comes before the value it annotates
			return readRaw(r, dst, depth)
		}
	}
	return dst, nil
}

// TestReadRaw checks that the harness splits a stream into whole replies.
func TestReadRaw(t *testing.T) {
	replies := []string{
		"+OK\r\n", "-ERR x\r\n", ":-5\r\n", "$-1\r\n", "$0\r\n\r\n", "$4\r\na\r\nb\r\n", "*-1\r\n",
		"*2\r\n$1\r\na\r\n*1\r\n:1\r\n", "%1\r\n+k\r\n~2\r\n,1.5\r\n,-nan\r\n", ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n",
		"|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n", "=8\r\ntxt:abcd\r\n", "!3\r\nERR\r\n", "_\r\n", "#t\r\n", "(123\r\n",
	}
	rd := bufio.NewReader(strings.NewReader(strings.Join(replies, "")))
	for _, want := range replies {
		got, err := readRaw(rd, nil, 0)
		if err != nil || string(got) != want {
			t.Errorf("readRaw = %q, %v; want %q", got, err, want)
		}
	}
	if _, err := readRaw(rd, nil, 0); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
	for _, bad := range []string{"$x\r\n", "*x\r\n", "+OK\n", "$5\r\nab"} {
		if _, err := readRaw(bufio.NewReader(strings.NewReader(bad)), nil, 0); err == nil {
			t.Errorf("readRaw(%q) did not fail", bad)
		}
	}
}
