// Command racefree-server serves one racefree Store over TCP with the Redis
// protocol (RESP2, and RESP3 after HELLO 3), so that any Redis client —
// redis-cli, redis-benchmark, go-redis, redigo, ... — can talk to it as to a
// redis-server 7.0.15.
//
// Usage:
//
//	racefree-server [--port 6379] [--bind 127.0.0.1] [--requirepass pw] [--databases 16]
//
// The flags are named after redis-server's options and take redis-server's
// "--name value" form ("--name=value" and "-name value" work too):
//
//	--port N         TCP port to listen on (default 6379); 0 picks a free
//	                 port, which the start-up log line reports (redis-server
//	                 would not listen on TCP at all)
//	--bind ADDRS     address(es) to listen on, space-separated as in
//	                 redis.conf, e.g. "127.0.0.1 -::1", where a leading "-"
//	                 marks an address skipped if unavailable (default
//	                 127.0.0.1); "*" is every IPv4 address
//	--requirepass PW password of the default user: clients must AUTH (or
//	                 HELLO ... AUTH default PW) first (default: none)
//	--databases N    number of logical databases, 1 to 65536 (default 16)
//
// For example:
//
//	go run ./cmd/racefree-server --port 6380
//	redis-cli -p 6380 SET greeting hello
//
// It keeps its data in memory only: there is no persistence, and everything
// is gone when it exits. A bad flag or value prints an error and exits with
// status 2; a failure to listen exits with status 1. On SIGINT or SIGTERM it
// shuts down gracefully: it stops accepting connections, closes every client
// connection (commands blocked in BLPOP and the like are released), closes
// the store and exits with status 0. A second signal during shutdown kills
// it at once. The SHUTDOWN command (any form but SHUTDOWN ABORT) shuts it
// down the same way; there is nothing to save first.
//
// It logs with log/slog to standard error: one line when it is ready (its
// version and the address it listens on) and one when it shuts down; it
// does not log commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/server"
)

// maxDatabases bounds --databases so that a typo cannot exhaust memory.
const maxDatabases = 1 << 16

// errUsage marks an error in the command line, already reported on stderr.
var errUsage = errors.New("usage error")

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		// A second signal gets the default behaviour: the process dies.
		signal.Stop(sigs)
		cancel(fmt.Errorf("received signal %s", sig))
	}()

	err := run(ctx, os.Args[1:], os.Stderr)
	switch {
	case err == nil:
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "racefree-server: %v\n", err)
		os.Exit(1)
	}
}

// version is the version string the start-up line reports.
func version() string {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return "racefree " + v + " (Redis 7.0.15 compatible)"
}

// config is the parsed command line.
type config struct {
	port        int
	bind        []string
	requirepass string
	databases   int
}

// parseArgs parses the command line. Errors are reported on stderr and
// returned wrapped in errUsage; -h and --help print the usage and return
// flag.ErrHelp.
func parseArgs(args []string, stderr io.Writer) (config, error) {
	var cfg config
	var bind string
	fs := flag.NewFlagSet("racefree-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.port, "port", 6379, "TCP `port` to listen on; 0 picks a free one")
	fs.StringVar(&bind, "bind", "127.0.0.1", "space-separated `addresses` to listen on")
	fs.StringVar(&cfg.requirepass, "requirepass", "", "`password` clients must AUTH with (default none)")
	fs.IntVar(&cfg.databases, "databases", 16, fmt.Sprintf("`number` of logical databases, 1 to %d", maxDatabases))
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: racefree-server [--port 6379] [--bind 127.0.0.1] [--requirepass pw] [--databases 16]\n\n")
		fs.PrintDefaults()
	}
	fail := func(format string, a ...any) (config, error) {
		msg := fmt.Sprintf(format, a...)
		fmt.Fprintf(stderr, "racefree-server: %s\nRun 'racefree-server --help' for usage.\n", msg)
		return config{}, fmt.Errorf("%w: %s", errUsage, msg)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		// The flag package has printed the error and the usage.
		return config{}, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q: racefree-server reads no config file, only flags", fs.Arg(0))
	}
	if cfg.port < 0 || cfg.port > 65535 {
		return fail("invalid --port %d: must be between 0 and 65535", cfg.port)
	}
	if cfg.databases < 1 || cfg.databases > maxDatabases {
		return fail("invalid --databases %d: must be between 1 and %d", cfg.databases, maxDatabases)
	}
	cfg.bind = strings.Fields(bind)
	if len(cfg.bind) == 0 {
		return fail("invalid --bind %q: needs at least one address", bind)
	}
	for _, a := range cfg.bind {
		if net.ParseIP(strings.TrimPrefix(a, "-")) == nil && a != "*" && a != "-*" && a != "localhost" {
			return fail("invalid --bind address %q: not an IP address", a)
		}
	}
	return cfg, nil
}

// listenAddr turns a redis.conf bind address into a Go listen address.
// A leading "-" marks an optional address (as in redis.conf: run skips it if
// it cannot listen there); "*" means every IPv4 address.
func listenAddr(bind string, port int) string {
	bind = strings.TrimPrefix(bind, "-")
	if bind == "*" {
		bind = "0.0.0.0"
	}
	return net.JoinHostPort(bind, strconv.Itoa(port))
}

// run is the whole server: it parses args, listens, logs one line when it
// is ready, and serves until ctx ends (main cancels it on SIGINT or SIGTERM,
// with the signal as the cause). It then logs one line, closes every
// connection and the store, and returns nil. It returns an error wrapping
// errUsage for a bad command line, or the error that stopped it otherwise.
func run(ctx context.Context, args []string, stderr io.Writer) error {
	cfg, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))

	var lns []net.Listener
	closeAll := func() {
		for _, ln := range lns {
			ln.Close()
		}
	}
	for _, b := range cfg.bind {
		ln, err := net.Listen("tcp", listenAddr(b, cfg.port))
		if err != nil {
			if strings.HasPrefix(b, "-") {
				continue // optional address, as in redis.conf
			}
			closeAll()
			return err
		}
		lns = append(lns, ln)
	}
	if len(lns) == 0 {
		return fmt.Errorf("none of the --bind addresses %q is available", strings.Join(cfg.bind, " "))
	}

	opts := []racefree.Option{racefree.WithDatabases(cfg.databases)}
	if cfg.requirepass != "" {
		opts = append(opts, racefree.WithPassword(cfg.requirepass))
	}
	store, err := racefree.New(opts...)
	if err != nil {
		closeAll()
		return err
	}

	if tcp, ok := lns[0].Addr().(*net.TCPAddr); ok {
		store.ConfigSet("port", strconv.Itoa(tcp.Port)) // what INFO and CONFIG GET port report
	}
	srv := server.New(store)
	done := make(chan error, len(lns))
	addrs := make([]string, len(lns))
	for i, ln := range lns {
		addrs[i] = ln.Addr().String()
		go func() { done <- srv.Serve(ln) }()
	}
	log.Info(version()+" ready to accept connections",
		"addr", strings.Join(addrs, ","), "databases", cfg.databases, "requirepass", cfg.requirepass != "")

	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down", "reason", context.Cause(ctx).Error())
	case <-store.ShutdownRequested():
		log.Info("shutting down", "reason", "SHUTDOWN command")
	case serveErr = <-done:
		log.Error("shutting down", "reason", serveErr.Error())
	}
	srv.Close()
	store.Close()
	return serveErr
}
