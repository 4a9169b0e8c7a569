package racefree

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"strings"
	"sync"

	"github.com/racefree/racefree/resp"
)

// COMMAND reports what redis-server 7.0.15 reports for the commands of the
// table: internal/gencommanddocs asked a live server for COMMAND INFO and
// COMMAND DOCS of every command and kept the replies, as RESP3, in
// commanddocs.resp.gz. COMMAND COUNT, LIST and the no-argument forms cover
// only the table, so that a client sees exactly the commands it can run.

//go:embed commanddocs.resp.gz
var commandDocsGz []byte

// cmdMeta is what COMMAND reports for one command or subcommand.
type cmdMeta struct {
	info  resp.Value // its COMMAND INFO entry
	docs  resp.Value // its COMMAND DOCS map
	specs []keySpec
	cats  []string // ACL categories, without the '@'
}

// keySpec is one key specification of COMMAND INFO: where the search for
// keys begins and how keys are found from there.
type keySpec struct {
	flags []string
	// begin search: index (pos > 0), keyword, or unknown
	index     int
	keyword   string
	startFrom int
	// find keys: range (lastKey, keyStep, limit) or keynum (keyNumIdx,
	// firstKey, keyStep); unknown when neither
	kind      string // "range", "keynum" or "unknown"
	lastKey   int
	keyStep   int
	limit     int
	keyNumIdx int
	firstKey  int
	unknownBS bool
}

func (k keySpec) has(flag string) bool {
	for _, f := range k.flags {
		if f == flag {
			return true
		}
	}
	return false
}

// table is commandList, for the handlers that list the table (COMMAND,
// ACL CAT): naming commandList in them would make its initialization
// depend on itself.
var table []*command

func init() { table = commandList }

var (
	metaOnce sync.Once
	metaMap  map[string]*cmdMeta // by full name: "get", "client|list"
)

// commandMeta returns the metadata of a command by its full name in lower
// case, or nil.
func commandMeta(name string) *cmdMeta {
	metaOnce.Do(loadCommandMeta)
	return metaMap[name]
}

func loadCommandMeta() {
	metaMap = map[string]*cmdMeta{}
	zr, err := gzip.NewReader(bytes.NewReader(commandDocsGz))
	if err != nil {
		panic("racefree: commanddocs.resp.gz: " + err.Error())
	}
	r := bufio.NewReader(zr)
	for {
		name, err := resp.ReadValue(r)
		if err != nil {
			break
		}
		info, err1 := resp.ReadValue(r)
		docs, err2 := resp.ReadValue(r)
		if err1 != nil || err2 != nil || len(info.Elems) != 1 || len(docs.Elems) != 2 {
			panic("racefree: commanddocs.resp.gz is damaged at " + name.Str)
		}
		addMeta(name.Str, info.Elems[0], docs.Elems[1])
	}
}

func addMeta(name string, info, docs resp.Value) {
	m := &cmdMeta{info: info, docs: docs}
	for _, c := range info.Elems[6].Elems {
		m.cats = append(m.cats, strings.TrimPrefix(c.Str, "@"))
	}
	for _, sv := range info.Elems[8].Elems {
		m.specs = append(m.specs, parseKeySpec(sv))
	}
	metaMap[name] = m
	subDocs := mapGet(docs, "subcommands")
	for _, sub := range info.Elems[9].Elems {
		full := sub.Elems[0].Str
		addMeta(full, sub, mapGet(subDocs, full))
	}
}

// mapGet returns the value under key in a RESP3 map, or the zero Value.
func mapGet(m resp.Value, key string) resp.Value {
	for i := 0; i+1 < len(m.Elems); i += 2 {
		if m.Elems[i].Str == key {
			return m.Elems[i+1]
		}
	}
	return resp.Value{}
}

func mapInt(m resp.Value, key string) int { return int(mapGet(m, key).Int) }

func parseKeySpec(v resp.Value) keySpec {
	var k keySpec
	for _, f := range mapGet(v, "flags").Elems {
		k.flags = append(k.flags, f.Str)
	}
	bs := mapGet(v, "begin_search")
	spec := mapGet(bs, "spec")
	switch mapGet(bs, "type").Str {
	case "index":
		k.index = mapInt(spec, "index")
	case "keyword":
		k.keyword = mapGet(spec, "keyword").Str
		k.startFrom = mapInt(spec, "startfrom")
	default:
		k.unknownBS = true
	}
	fk := mapGet(v, "find_keys")
	spec = mapGet(fk, "spec")
	k.kind = mapGet(fk, "type").Str
	switch k.kind {
	case "range":
		k.lastKey, k.keyStep, k.limit = mapInt(spec, "lastkey"), mapInt(spec, "keystep"), mapInt(spec, "limit")
	case "keynum":
		k.keyNumIdx, k.firstKey, k.keyStep = mapInt(spec, "keynumidx"), mapInt(spec, "firstkey"), mapInt(spec, "keystep")
	}
	return k
}

// lookupFullName finds a command by the name COMMAND INFO and DOCS take:
// "get", or "client|list" for a subcommand, in any case.
func lookupFullName(name string) *command {
	base, sub, isSub := strings.Cut(name, "|")
	cmd := commands.lookup(base)
	if cmd == nil || !isSub {
		return cmd
	}
	if cmd.subs == nil || strings.Contains(sub, "|") {
		return nil
	}
	return cmd.subByName.lookup(sub)
}

// metaOf returns the metadata of a table entry.
func metaOf(cmd *command) *cmdMeta { return commandMeta(cmd.name) }

func writeCommandInfo(w resp.Writer, cmd *command) {
	if cmd == nil {
		w.NullBulk()
		return
	}
	m := metaOf(cmd)
	if m == nil {
		w.NullBulk()
		return
	}
	m.info.WriteTo(w)
}

func cmdCommand(c *call) {
	c.w.Array(len(table))
	for _, cmd := range table {
		writeCommandInfo(c.w, cmd)
	}
}

func cmdCommandCount(c *call) { c.w.Int(int64(len(table))) }

func cmdCommandInfo(c *call) {
	if len(c.args) == 2 {
		cmdCommand(c)
		return
	}
	c.w.Array(len(c.args) - 2)
	for _, name := range c.args[2:] {
		writeCommandInfo(c.w, lookupFullName(name))
	}
}

func cmdCommandDocs(c *call) {
	var list []*command
	if len(c.args) == 2 {
		list = table
	} else {
		for _, name := range c.args[2:] {
			if cmd := lookupFullName(name); cmd != nil && metaOf(cmd) != nil {
				list = append(list, cmd)
			}
		}
	}
	c.w.Map(len(list))
	for _, cmd := range list {
		c.w.Bulk(cmd.name)
		metaOf(cmd).docs.WriteTo(c.w)
	}
}

func cmdCommandList(c *call) {
	filter := func(*command) bool { return true }
	for i := 2; i < len(c.args); i += 3 {
		if !strings.EqualFold(c.args[i], "filterby") || len(c.args)-1-i != 2 {
			c.fail(ErrSyntax)
			return
		}
		arg := c.args[i+2]
		switch strings.ToLower(c.args[i+1]) {
		case "module":
			filter = func(*command) bool { return false }
		case "aclcat":
			filter = func(cmd *command) bool {
				m := metaOf(cmd)
				if m == nil {
					return false
				}
				for _, cat := range m.cats {
					if strings.EqualFold(cat, arg) {
						return true
					}
				}
				return false
			}
		case "pattern":
			filter = func(cmd *command) bool { return matchGlobFold(arg, cmd.name) }
		default:
			c.fail(ErrSyntax)
			return
		}
	}
	var names []string
	for _, cmd := range table {
		if filter(cmd) {
			names = append(names, cmd.name)
		}
		for _, sub := range cmd.subs {
			if filter(sub) {
				names = append(names, sub.name)
			}
		}
	}
	c.w.Array(len(names))
	for _, n := range names {
		c.w.Bulk(n)
	}
}

// matchGlobFold is matchGlob with ASCII case folded, as Redis's
// stringmatchlen with nocase.
func matchGlobFold(pattern, s string) bool {
	return matchGlob(strings.ToLower(pattern), strings.ToLower(s))
}

func cmdCommandGetKeys(c *call)         { commandGetKeys(c, false) }
func cmdCommandGetKeysAndFlags(c *call) { commandGetKeys(c, true) }

// keyRef is one key a command names: its position and access flags.
type keyRef struct {
	pos   int
	flags []string
}

func commandGetKeys(c *call, withFlags bool) {
	args := c.args[2:]
	cmd := commands.lookup(args[0])
	if cmd != nil && cmd.subs != nil && len(args) >= 2 {
		cmd = cmd.subByName.lookup(args[1])
	}
	if cmd == nil {
		c.fail(errorFromReply("ERR Invalid command specified"))
		return
	}
	m := metaOf(cmd)
	if m == nil || !hasKeys(cmd, m) {
		c.fail(errorFromReply("ERR The command has no key arguments"))
		return
	}
	if n := len(args); cmd.arity > 0 && n != cmd.arity || n < -cmd.arity {
		c.fail(errorFromReply("ERR Invalid number of arguments specified for command"))
		return
	}
	keys := commandKeys(cmd, m, args)
	if len(keys) == 0 {
		if cmd.flags&flagNoMandatoryKeys != 0 {
			c.w.Array(0)
			return
		}
		c.fail(errorFromReply("ERR Invalid arguments specified for command"))
		return
	}
	c.w.Array(len(keys))
	for _, k := range keys {
		if !withFlags {
			c.w.Bulk(args[k.pos])
			continue
		}
		c.w.Array(2)
		c.w.Bulk(args[k.pos])
		c.w.Set(len(k.flags))
		for _, f := range k.flags {
			c.w.Status(f)
		}
	}
}

// hasKeys reports whether a command may name keys at all.
func hasKeys(cmd *command, m *cmdMeta) bool {
	if getKeysProcs[cmd.name] != nil {
		return true
	}
	for _, s := range m.specs {
		if !s.has("not_key") {
			return true
		}
	}
	return false
}

// commandKeys returns the keys of a command's arguments (args[0] is its
// name), as Redis finds them: from the key specs when they are complete and
// their flags fixed, else with the command's own rule.
func commandKeys(cmd *command, m *cmdMeta, args []string) []keyRef {
	usable, varFlags := false, false
	for _, s := range m.specs {
		if !s.has("not_key") {
			usable = true
		}
		if s.has("variable_flags") {
			varFlags = true
		}
	}
	if usable && !varFlags {
		if keys, ok := keysFromSpecs(m.specs, args); ok {
			return keys
		}
	}
	if proc := getKeysProcs[cmd.name]; proc != nil {
		return proc(args)
	}
	return nil
}

func keysFromSpecs(specs []keySpec, args []string) ([]keyRef, bool) {
	argc := len(args)
	var keys []keyRef
	for _, s := range specs {
		if s.has("not_key") {
			continue
		}
		first := 0
		switch {
		case s.unknownBS:
			return nil, false
		case s.keyword == "":
			first = s.index
		default:
			start, end := s.startFrom, argc-1
			if s.startFrom <= 0 {
				start, end = argc+s.startFrom, 1
			}
			for i := start; i != end; {
				if i >= argc || i < 1 {
					break
				}
				if strings.EqualFold(args[i], s.keyword) {
					first = i + 1
					break
				}
				if start <= end {
					i++
				} else {
					i--
				}
			}
			if first == 0 {
				continue
			}
		}
		var last, step int
		switch s.kind {
		case "range":
			step = s.keyStep
			switch {
			case s.lastKey >= 0:
				last = first + s.lastKey
			case s.limit == 0:
				last = argc + s.lastKey
			default:
				last = first + ((argc-first)/s.limit + s.lastKey)
			}
		case "keynum":
			step = s.keyStep
			if s.keyNumIdx >= argc || first+s.keyNumIdx >= argc {
				return nil, false
			}
			n, ok := parseInt(args[first+s.keyNumIdx])
			if !ok || n < 0 || n > int64(argc) {
				return nil, false
			}
			first += s.firstKey
			last = first + int(n) - 1
		default:
			return nil, false
		}
		if last >= argc || last < first || first >= argc {
			return nil, false
		}
		for i := first; i <= last; i += step {
			keys = append(keys, keyRef{i, s.flags})
			if step <= 0 {
				break
			}
		}
		if s.has("incomplete") {
			return nil, false
		}
	}
	return keys, true
}

// atoi is C's atoi: leading digits after optional spaces and sign, 0 when
// there are none.
func atoi(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	n := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > 1<<31 {
			n = 1 << 31
		}
	}
	if neg {
		return -n
	}
	return n
}

// genericKeys is Redis's rule for commands with a key count argument:
// count at countAt, the keys from firstAt, and a destination at storeAt
// (0 for none), all with no flags.
func genericKeys(storeAt, countAt, firstAt int) func(args []string) []keyRef {
	return func(args []string) []keyRef {
		num := atoi(args[countAt])
		if num < 1 || num > len(args)-firstAt {
			return nil
		}
		var keys []keyRef
		for i := range num {
			keys = append(keys, keyRef{pos: firstAt + i})
		}
		if storeAt != 0 {
			keys = append(keys, keyRef{pos: storeAt})
		}
		return keys
	}
}

// getKeysProcs are the commands' own rules for finding keys, used where the
// key specs cannot say (or cannot say the flags).
var getKeysProcs = map[string]func(args []string) []keyRef{
	"sintercard":  genericKeys(0, 1, 2),
	"zunion":      genericKeys(0, 1, 2),
	"zinter":      genericKeys(0, 1, 2),
	"zdiff":       genericKeys(0, 1, 2),
	"zintercard":  genericKeys(0, 1, 2),
	"lmpop":       genericKeys(0, 1, 2),
	"zmpop":       genericKeys(0, 1, 2),
	"zunionstore": genericKeys(1, 2, 3),
	"zinterstore": genericKeys(1, 2, 3),
	"zdiffstore":  genericKeys(1, 2, 3),
	"eval":        genericKeys(0, 2, 3),
	"evalsha":     genericKeys(0, 2, 3),
	"eval_ro":     genericKeys(0, 2, 3),
	"evalsha_ro":  genericKeys(0, 2, 3),
	"fcall":       genericKeys(0, 2, 3),
	"fcall_ro":    genericKeys(0, 2, 3),
	"blmpop":      genericKeys(0, 2, 3),
	"bzmpop":      genericKeys(0, 2, 3),
	"sort_ro": func(args []string) []keyRef {
		return []keyRef{{1, []string{"RO", "access"}}}
	},
	"sort": func(args []string) []keyRef {
		keys := []keyRef{{1, []string{"RO", "access"}}}
		skip := map[string]int{"limit": 2, "get": 1, "by": 1}
		store := 0
		for i := 2; i < len(args); i++ {
			a := strings.ToLower(args[i])
			if n, ok := skip[a]; ok {
				i += n
			} else if a == "store" && i+1 < len(args) {
				store = i + 1
			}
		}
		if store != 0 {
			keys = append(keys, keyRef{store, []string{"OW", "update"}})
		}
		return keys
	},
	"migrate": func(args []string) []keyRef {
		first, num := 3, 1
		if len(args) > 6 {
			for i := 6; i < len(args); i++ {
				a := strings.ToLower(args[i])
				if a == "keys" {
					if args[3] != "" {
						num = 0
					} else {
						first = i + 1
						num = len(args) - first
					}
					break
				}
				switch a {
				case "auth":
					i++
				case "auth2":
					i += 2
				}
			}
		}
		var keys []keyRef
		for i := range num {
			keys = append(keys, keyRef{first + i, []string{"RW", "access", "delete"}})
		}
		return keys
	},
	"georadius":         georadiusKeys,
	"georadiusbymember": georadiusKeys,
	"xread":             xreadKeys,
	"xreadgroup":        xreadKeys,
	"set": func(args []string) []keyRef {
		for _, a := range args[3:] {
			if strings.EqualFold(cString(a), "get") {
				return []keyRef{{1, []string{"RW", "access", "update"}}}
			}
		}
		return []keyRef{{1, []string{"OW", "update"}}}
	},
	"bitfield": func(args []string) []keyRef {
		readonly := true
	loop:
		for i := 2; i < len(args); i++ {
			rem := len(args) - i - 1
			switch a := strings.ToLower(args[i]); {
			case a == "get" && rem >= 2:
				i += 2
			case (a == "set" || a == "incrby") && rem >= 3:
				readonly = false
				break loop
			case a == "overflow" && rem >= 1:
				i++
			default:
				readonly = false
				break loop
			}
		}
		if readonly {
			return []keyRef{{1, []string{"RO", "access"}}}
		}
		return []keyRef{{1, []string{"RW", "access", "update"}}}
	},
}

func georadiusKeys(args []string) []keyRef {
	stored := -1
	for i := 5; i < len(args); i++ {
		a := strings.ToLower(args[i])
		if (a == "store" || a == "storedist") && i+1 < len(args) {
			stored = i + 1
			i++
		}
	}
	keys := []keyRef{{pos: 1}}
	if stored >= 0 {
		keys = append(keys, keyRef{pos: stored})
	}
	return keys
}

func xreadKeys(args []string) []keyRef {
	pos := -1
	for i := 1; i < len(args); i++ {
		switch strings.ToLower(args[i]) {
		case "block", "count":
			i++
		case "group":
			i += 2
		case "noack":
		case "streams":
			pos = i
		default:
			i = len(args) // a syntax error
		}
		if pos >= 0 {
			break
		}
	}
	num := 0
	if pos >= 0 {
		num = len(args) - pos - 1
	}
	if pos < 0 || num == 0 || num%2 != 0 {
		return nil
	}
	var keys []keyRef
	for i := pos + 1; i < len(args)-num/2; i++ {
		keys = append(keys, keyRef{pos: i})
	}
	return keys
}

var commandHelp = []string{
	"(no subcommand)",
	"    Return details about all Redis commands.",
	"COUNT",
	"    Return the total number of commands in this Redis server.",
	"LIST",
	"    Return a list of all commands in this Redis server.",
	"INFO [<command-name> ...]",
	"    Return details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"DOCS [<command-name> ...]",
	"    Return documentation details about multiple Redis commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"GETKEYS <full-command>",
	"    Return the keys from a full Redis command.",
	"GETKEYSANDFLAGS <full-command>",
	"    Return the keys and the access flags from a full Redis command.",
}

func cmdCommandHelp(c *call) { writeHelp(c, commandHelp) }

// CommandCount returns the number of commands the store runs, as COMMAND
// COUNT does. Unlike Redis, it counts only the commands racefree has.
func (c *cmdable) CommandCount() (int64, error) {
	if _, err := c.begin(false); err != nil {
		return 0, err
	}
	c.end()
	return int64(len(commandList)), nil
}

// CommandGetKeys returns the keys a command would access, as COMMAND
// GETKEYS does; args starts with the command's name.
func (c *cmdable) CommandGetKeys(args ...string) ([]string, error) {
	v, err := c.do(context.Background(), []string{"command", "getkeys"}, args, nil)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, k := range v.([]any) {
		keys = append(keys, k.(string))
	}
	return keys, nil
}

// introspectCommands is COMMAND.
var introspectCommands = []*command{
	{name: "command", arity: -1, flags: flagLoading | flagStale, run: cmdCommand, subs: []*command{
		{name: "command|count", arity: 2, flags: flagLoading | flagStale, run: cmdCommandCount},
		{name: "command|docs", arity: -2, flags: flagLoading | flagStale, run: cmdCommandDocs},
		{name: "command|getkeys", arity: -4, flags: flagLoading | flagStale, run: cmdCommandGetKeys},
		{name: "command|getkeysandflags", arity: -4, flags: flagLoading | flagStale, run: cmdCommandGetKeysAndFlags},
		{name: "command|help", arity: 2, flags: flagLoading | flagStale, run: cmdCommandHelp},
		{name: "command|info", arity: -2, flags: flagLoading | flagStale, run: cmdCommandInfo},
		{name: "command|list", arity: -2, flags: flagLoading | flagStale, run: cmdCommandList},
	}},
}
