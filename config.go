package racefree

import (
	"strconv"
	"strings"
	"time"
)

// CONFIG keeps redis-server 7.0.15's parameters (config_gen.go lists them
// with their defaults and what CONFIG SET accepts for each). Most only
// hold their value for CONFIG GET; those the store acts on are:
//
//   - requirepass: the password connections must AUTH with (WithPassword);
//   - busy-reply-threshold (and its alias lua-time-limit): how long a
//     script runs before other connections get the BUSY error;
//   - the encoding thresholds (hash-max-listpack-entries and -value,
//     set-max-intset-entries, zset-max-listpack-entries and -value,
//     list-max-listpack-size, stream-node-max-bytes and -entries): what
//     OBJECT ENCODING and DUMP report and how stream nodes fill;
//   - databases: read-only, the number WithDatabases set;
//   - port: what INFO reports as tcp_port (the server binary sets it).

// cfgKind is the type of a parameter's value.
type cfgKind uint8

const (
	cfgString        cfgKind = iota // anything
	cfgBool                         // yes or no
	cfgEnum                         // one of enum
	cfgInt                          // an integer, within min..max when ranged
	cfgMemory                       // a size: 100, 10kb, 1gb
	cfgMemoryPercent                // a size or a percentage: 10%
	cfgImmutable                    // cannot be set at run time
	cfgProtected                    // cannot be set unless protected configs are enabled
	cfgSpecial                      // its own syntax: taken as given
)

// configType is what CONFIG SET accepts for a parameter.
type configType struct {
	kind     cfgKind
	enum     string // "a, b, c" for cfgEnum
	ranged   bool
	min, max int64
	err      string // for cfgSpecial, the error for a value redis-server refuses (unused: values are taken as given)
}

// configAliases maps the parameters that are other names of one setting to
// it; they are read and set together.
var configAliases = map[string]string{
	"slave-priority":                "replica-priority",
	"slave-serve-stale-data":        "replica-serve-stale-data",
	"slave-read-only":               "replica-read-only",
	"slave-ignore-maxmemory":        "replica-ignore-maxmemory",
	"slave-announce-ip":             "replica-announce-ip",
	"slave-announce-port":           "replica-announce-port",
	"slave-lazy-flush":              "replica-lazy-flush",
	"slaveof":                       "replicaof",
	"repl-ping-slave-period":        "repl-ping-replica-period",
	"min-slaves-to-write":           "min-replicas-to-write",
	"min-slaves-max-lag":            "min-replicas-max-lag",
	"cluster-slave-validity-factor": "cluster-replica-validity-factor",
	"cluster-slave-no-failover":     "cluster-replica-no-failover",
	"hash-max-ziplist-entries":      "hash-max-listpack-entries",
	"hash-max-ziplist-value":        "hash-max-listpack-value",
	"zset-max-ziplist-entries":      "zset-max-listpack-entries",
	"zset-max-ziplist-value":        "zset-max-listpack-value",
	"list-max-ziplist-size":         "list-max-listpack-size",
	"lua-time-limit":                "busy-reply-threshold",
}

// configState is the current value of every parameter, by canonical name.
type configState struct {
	values map[string]string
}

// canonicalConfig returns the name a parameter's value is kept under.
func canonicalConfig(name string) string {
	if a, ok := configAliases[name]; ok {
		return a
	}
	return name
}

// config returns the parameters, made on first use. The caller holds s.mu.
func (s *Store) config() *configState {
	if s.srv.cfg == nil {
		cfg := &configState{values: make(map[string]string, len(configDefaults))}
		for _, kv := range configDefaults {
			cfg.values[canonicalConfig(kv[0])] = kv[1]
		}
		cfg.values["databases"] = strconv.Itoa(len(s.dbs))
		cfg.values["requirepass"] = s.password
		s.srv.cfg = cfg
	}
	return s.srv.cfg
}

// configValue returns a parameter's value. The caller holds s.mu.
func (s *Store) configValue(name string) string {
	return s.config().values[canonicalConfig(name)]
}

// ConfigGet returns the parameters whose names match any of the glob
// patterns, with their values, as CONFIG GET does.
func (c *cmdable) ConfigGet(patterns ...string) (map[string]string, error) {
	if _, err := c.begin(false); err != nil {
		return nil, err
	}
	defer c.end()
	out := map[string]string{}
	for _, kv := range c.s.configGet(patterns) {
		out[kv[0]] = kv[1]
	}
	return out, nil
}

// ConfigSet sets parameters, as CONFIG SET does: pairs holds names and
// values alternately. Either every value is valid and all are set, or none
// is and the error says which.
func (c *cmdable) ConfigSet(pairs ...string) error {
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		return arityError("config|set")
	}
	if _, err := c.begin(false); err != nil {
		return err
	}
	defer c.end()
	return c.s.configSet(pairs)
}

// configGet returns the matching parameters in the order CONFIG GET *
// lists them, each once. The caller holds s.mu.
func (s *Store) configGet(patterns []string) [][2]string {
	cfg := s.config()
	var out [][2]string
	seen := map[string]bool{}
	for _, p := range patterns {
		lp := strings.ToLower(p)
		if !strings.ContainsAny(p, "*?[\\") {
			// A plain name is looked up and answered as it was written.
			if _, ok := configTypes[lp]; ok && !seen[p] {
				seen[p] = true
				out = append(out, [2]string{p, cfg.values[canonicalConfig(lp)]})
			}
			continue
		}
		for _, kv := range configDefaults {
			name := kv[0]
			if seen[name] || !(lp == "*" || matchGlob(lp, name)) {
				continue
			}
			seen[name] = true
			out = append(out, [2]string{name, cfg.values[canonicalConfig(name)]})
		}
	}
	return out
}

func cmdConfigGet(c *call) {
	kvs := c.s.configGet(c.args[2:])
	c.w.Map(len(kvs))
	for _, kv := range kvs {
		c.w.Bulk(kv[0])
		c.w.Bulk(kv[1])
	}
}

// configSetError is CONFIG SET's error for an argument.
func configSetError(name, why string) error {
	return errorf(errConfigSet, "ERR CONFIG SET failed (possibly related to argument '%s') - %s", name, why)
}

var errConfigSet = newError("ERR CONFIG SET failed")

// configSet checks every pair, then sets them all. The caller holds s.mu.
func (s *Store) configSet(pairs []string) error {
	type change struct{ name, value string }
	var changes []change
	var unknown string
	var fail error
	seen := map[string]bool{}
	for i := 0; i+1 < len(pairs); i += 2 {
		name := strings.ToLower(pairs[i])
		t, ok := configTypes[name]
		if !ok {
			if unknown == "" && fail == nil {
				unknown = pairs[i]
			}
			continue
		}
		if unknown != "" || fail != nil {
			continue
		}
		switch t.kind {
		case cfgImmutable:
			fail = configSetError(pairs[i], "can't set immutable config")
			continue
		case cfgProtected:
			fail = configSetError(pairs[i], "can't set protected config")
			continue
		}
		// An alias is a parameter of its own here: setting both names
		// is no duplicate; the last one wins.
		if seen[name] {
			fail = configSetError(pairs[i], "duplicate parameter")
			continue
		}
		seen[name] = true
		changes = append(changes, change{name, pairs[i+1]})
	}
	if unknown != "" {
		return errorf(errConfigSet, "ERR Unknown option or number of arguments for CONFIG SET - '%s'", unknown)
	}
	if fail != nil {
		return fail
	}
	values := make([]string, len(changes))
	for i, ch := range changes {
		v, err := configParse(ch.name, configTypes[ch.name], ch.value)
		if err != nil {
			return err
		}
		values[i] = v
	}
	cfg := s.config()
	for i, ch := range changes {
		canon := canonicalConfig(ch.name)
		cfg.values[canon] = values[i]
		switch canon {
		case "requirepass":
			s.password = values[i]
		case "notify-keyspace-events":
			s.setNotifyConfig(ch.value) // notify.go: the value as given, n kept beside A
		case "busy-reply-threshold":
			ms, _ := strconv.ParseInt(values[i], 10, 64)
			s.kill.mu.Lock()
			s.kill.busyAfter = time.Duration(ms) * time.Millisecond
			s.kill.mu.Unlock()
		default:
			if f := s.limitField(canon); f != nil {
				// A memory value past int64 reads as its largest value.
				*f, _ = strconv.ParseInt(values[i], 10, 64)
			}
		}
	}
	return nil
}

// limitField returns the field of s.limits that the parameter name (a
// canonical one) sets, or nil if it sets none.
func (s *Store) limitField(name string) *int64 {
	l := &s.limits
	switch name {
	case "hash-max-listpack-entries":
		return &l.HashMaxListpackEntries
	case "hash-max-listpack-value":
		return &l.HashMaxListpackValue
	case "set-max-intset-entries":
		return &l.SetMaxIntsetEntries
	case "zset-max-listpack-entries":
		return &l.ZSetMaxListpackEntries
	case "zset-max-listpack-value":
		return &l.ZSetMaxListpackValue
	case "list-max-listpack-size":
		return &l.ListMaxListpackSize
	case "stream-node-max-bytes":
		return &l.StreamNodeMaxBytes
	case "stream-node-max-entries":
		return &l.StreamNodeMaxEntries
	}
	return nil
}

// configParse checks a value for a parameter and returns it as CONFIG GET
// will report it.
func configParse(name string, t configType, v string) (string, error) {
	switch t.kind {
	case cfgBool:
		switch strings.ToLower(v) {
		case "yes":
			return "yes", nil
		case "no":
			return "no", nil
		}
		return "", configSetError(name, "argument must be 'yes' or 'no'")
	case cfgEnum:
		for _, opt := range strings.Split(t.enum, ", ") {
			if strings.EqualFold(opt, v) {
				return opt, nil
			}
		}
		return "", configSetError(name, "argument(s) must be one of the following: "+t.enum)
	case cfgInt:
		n, ok := parseInt(v)
		if !ok {
			return "", configSetError(name, "argument couldn't be parsed into an integer")
		}
		if t.ranged && (n < t.min || n > t.max) {
			return "", configSetError(name, "argument must be between "+strconv.FormatInt(t.min, 10)+" and "+strconv.FormatInt(t.max, 10)+" inclusive")
		}
		return strconv.FormatInt(n, 10), nil
	case cfgMemory, cfgMemoryPercent:
		if t.kind == cfgMemoryPercent && strings.HasSuffix(v, "%") {
			n, ok := parseInt(v[:len(v)-1])
			if !ok || n < 0 {
				return "", configSetError(name, "argument must be a memory or percent value")
			}
			return strconv.FormatInt(n, 10) + "%", nil
		}
		n, ok := parseMemory(v)
		if !ok {
			if t.kind == cfgMemoryPercent {
				return "", configSetError(name, "argument must be a memory or percent value")
			}
			return "", configSetError(name, "argument must be a memory value")
		}
		return strconv.FormatUint(n, 10), nil
	case cfgSpecial:
		if name == "notify-keyspace-events" {
			return configNotify(name, v) // notify.go
		}
		if name == "save" && v != "" {
			parts := strings.Split(v, " ")
			for _, p := range parts {
				if _, ok := parseInt(p); !ok {
					return "", configSetError(name, "Invalid save parameters")
				}
			}
			if len(parts)%2 != 0 {
				return "", configSetError(name, "Invalid save parameters")
			}
		}
	}
	return v, nil
}

// parseMemory reads a size as redis.conf writes it: digits and an optional
// unit (k, kb, m, mb, g, gb, in any case).
func parseMemory(v string) (uint64, bool) {
	units := []struct {
		suffix string
		mul    uint64
	}{{"kb", 1024}, {"mb", 1024 * 1024}, {"gb", 1024 * 1024 * 1024}, {"k", 1000}, {"m", 1000 * 1000}, {"g", 1000 * 1000 * 1000}, {"b", 1}}
	lv := strings.ToLower(v)
	mul := uint64(1)
	for _, u := range units {
		if strings.HasSuffix(lv, u.suffix) {
			lv, mul = lv[:len(lv)-len(u.suffix)], u.mul
			break
		}
	}
	if lv == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(lv, 10, 64)
	if err != nil || n > ^uint64(0)/mul {
		return 0, false
	}
	return n * mul, true
}

func cmdConfigSet(c *call) {
	if len(c.args)%2 != 0 {
		c.fail(ErrSyntax)
		return
	}
	if err := c.s.configSet(c.args[2:]); err != nil {
		c.fail(err)
		return
	}
	c.ok()
}

func cmdConfigResetStat(c *call) {
	c.s.resetStats() // stats.go
	c.s.srv.commandsTotal = 0
	c.s.srv.connsTotal = 0
	c.ok()
}

func cmdConfigRewrite(c *call) {
	c.fail(errorFromReply("ERR The server is running without a config file"))
}

var configHelp = []string{
	"GET <pattern>",
	"    Return parameters matching the glob-like <pattern> and their values.",
	"SET <directive> <value>",
	"    Set the configuration <directive> to <value>.",
	"RESETSTAT",
	"    Reset statistics reported by the INFO command.",
	"REWRITE",
	"    Rewrite the configuration file.",
}

func cmdConfigHelp(c *call) { writeHelp(c, configHelp) }

// configCommands is CONFIG.
var configCommands = []*command{
	{name: "config", arity: -2, run: nil, subs: []*command{
		{name: "config|get", arity: -3, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdConfigGet},
		{name: "config|help", arity: 2, flags: flagLoading | flagStale, run: cmdConfigHelp},
		{name: "config|resetstat", arity: 2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdConfigResetStat},
		{name: "config|rewrite", arity: 2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdConfigRewrite},
		{name: "config|set", arity: -4, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdConfigSet},
	}},
}
