package racefree

import (
	"context"
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/racefree/racefree/luabind"
)

// Redis 7.0 functions: FUNCTION LOAD registers libraries of named Lua
// functions, FCALL and FCALL_RO call them. Functions run in a Lua state of
// their own (not EVAL's), under the store lock like scripts; they survive
// FLUSHALL and SCRIPT FLUSH, and FUNCTION FLUSH leaves scripts alone.

// functions returns the store's function registry, made on first use. The
// caller holds s.mu.
func (s *Store) functions() *luabind.Functions { return s.engine().Functions() }

// FunctionLibrary is a loaded library, as FUNCTION LIST describes it.
type FunctionLibrary struct {
	Name      string
	Engine    string // always "LUA"
	Functions []FunctionInfo
	Code      string // only when asked for (withCode)
}

// FunctionInfo is a function of a library.
type FunctionInfo struct {
	Name        string
	Description string // "" when the library gave none
	Flags       []string
}

// RestorePolicy says what FunctionRestore does with the libraries already
// loaded.
type RestorePolicy string

// The policies of FUNCTION RESTORE.
const (
	RestoreAppend  RestorePolicy = "APPEND"  // add; a library that exists already is an error
	RestoreReplace RestorePolicy = "REPLACE" // add, replacing libraries of the same name
	RestoreFlush   RestorePolicy = "FLUSH"   // delete every library first
)

// loadError is the error of a failed load: Redis's text, matching
// ErrFunctionLoad.
func loadError(err error) *Error {
	e := errorFromReply(err.Error())
	if e.base == nil {
		e.base = ErrFunctionLoad
	}
	return e
}

// FunctionLoad loads a library of functions, as FUNCTION LOAD does, and
// returns its name. replace allows replacing a library of the same name.
// Bad code fails with an error matching ErrFunctionLoad, whose text is
// Redis's.
func (c *cmdable) FunctionLoad(code string, replace bool) (string, error) {
	if _, err := c.begin(true); err != nil {
		return "", err
	}
	defer c.end()
	name, err := c.s.functions().Load(code, replace)
	if err != nil {
		return "", loadError(err)
	}
	return name, nil
}

// FunctionDelete deletes a library and its functions, as FUNCTION DELETE
// does; ErrLibraryNotFound when it is not loaded.
func (c *cmdable) FunctionDelete(library string) error {
	if _, err := c.begin(true); err != nil {
		return err
	}
	defer c.end()
	if !c.s.functions().Delete(library) {
		return ErrLibraryNotFound
	}
	return nil
}

// FunctionFlush deletes every library, as FUNCTION FLUSH does (always
// synchronously).
func (c *cmdable) FunctionFlush() error {
	if _, err := c.begin(true); err != nil {
		return err
	}
	defer c.end()
	c.s.functions().Flush()
	return nil
}

// FunctionList describes the loaded libraries, as FUNCTION LIST does:
// those whose name matches the glob pattern in any case ("" for all), sorted by name
// (Redis's order is unspecified), with their code if withCode.
func (c *cmdable) FunctionList(pattern string, withCode bool) ([]FunctionLibrary, error) {
	if _, err := c.begin(false); err != nil {
		return nil, err
	}
	defer c.end()
	var out []FunctionLibrary
	for _, l := range c.s.functions().Libraries() {
		if pattern != "" && !matchGlob(strings.ToLower(pattern), strings.ToLower(l.Name)) {
			continue
		}
		fl := FunctionLibrary{Name: l.Name, Engine: "LUA"}
		if withCode {
			fl.Code = l.Code
		}
		for _, f := range l.Functions {
			fl.Functions = append(fl.Functions, FunctionInfo{Name: f.Name, Description: f.Description, Flags: luabind.FlagNames(f.Flags)})
		}
		out = append(out, fl)
	}
	return out, nil
}

// FCall calls a function, as FCALL does, and returns its reply as Do
// would. Like Eval, it runs atomically and ctx bounds the run.
func (c *cmdable) FCall(ctx context.Context, function string, keys []string, args ...any) (any, error) {
	return c.do(ctx, []string{"FCALL", function, strconv.Itoa(len(keys))}, keys, args)
}

// FCallRO calls a function that only reads, as FCALL_RO does: a function
// registered without the no-writes flag is refused.
func (c *cmdable) FCallRO(ctx context.Context, function string, keys []string, args ...any) (any, error) {
	return c.do(ctx, []string{"FCALL_RO", function, strconv.Itoa(len(keys))}, keys, args)
}

// FunctionDump serializes every library, as FUNCTION DUMP does: Redis's
// payload byte for byte (each library's code as an RDB string, LZF
// compressed as Redis compresses it, then the RDB version and a CRC64), with
// the libraries in name order where Redis's order is its hash table's.
func (c *cmdable) FunctionDump() (string, error) {
	if _, err := c.begin(false); err != nil {
		return "", err
	}
	defer c.end()
	return dumpFunctions(c.s.functions()), nil
}

// FunctionRestore loads the libraries of a FUNCTION DUMP payload (from
// racefree or Redis), as FUNCTION RESTORE does, with the given policy (""
// is RestoreAppend). A corrupt payload fails with ErrFunctionPayload.
func (c *cmdable) FunctionRestore(payload string, policy RestorePolicy) error {
	if _, err := c.begin(true); err != nil {
		return err
	}
	defer c.end()
	if policy == "" {
		policy = RestoreAppend
	}
	return restoreFunctions(c.s.functions(), payload, string(policy))
}

// FunctionKill stops the function that is running, as FUNCTION KILL does
// (see ScriptKill): ErrNotBusy when none runs, ErrBusyScript when a script
// (EVAL) runs, ErrUnkillable once the function has written. It does not
// wait for the store lock.
func (c *cmdable) FunctionKill() error {
	k := &c.s.kill
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case !k.running:
		return ErrNotBusy
	case k.wrote:
		return ErrUnkillable
	case !k.fcall:
		return ErrBusyScript
	}
	if !k.killed {
		close(k.ch)
		k.killed = true
	}
	return nil
}

func cmdFCall(c *call)   { fcallCommand(c, false) }
func cmdFCallRO(c *call) { fcallCommand(c, true) }

// fcallCommand is FCALL and FCALL_RO: the function, numkeys, the flag
// check, then the run.
func fcallCommand(c *call, readOnly bool) {
	fns := c.s.functions()
	fn := fns.Lookup(c.args[1])
	if fn == nil {
		c.fail(ErrFunctionNotFound)
		return
	}
	numkeys, ok := parseInt(c.args[2])
	switch {
	case !ok:
		c.fail(ErrBadNumKeys)
		return
	case numkeys > int64(len(c.args)-3):
		c.fail(ErrNumKeysTooMany)
		return
	case numkeys < 0:
		c.fail(ErrNumKeysNegative)
		return
	}
	if readOnly && fn.Flags&luabind.FlagNoWrites == 0 {
		c.fail(ErrScriptWriteFlag)
		return
	}
	h := &c.s.host
	*h = scriptHost{s: c.s, db: c.db, tx: c.tx, readOnly: readOnly || fn.Flags&luabind.FlagNoWrites != 0}
	if c.s.freeze() {
		defer c.s.thaw()
	}
	ctx, done := c.s.scriptContext(c.ctx)
	c.s.kill.mu.Lock()
	c.s.kill.fcall = true
	c.s.kill.mu.Unlock()
	fns.Run(ctx, fn, c.args[3:3+numkeys], c.args[3+numkeys:], h, c.w)
	done()
	h.s = nil
}

func cmdFunctionLoad(c *call) {
	replace := false
	for _, opt := range c.args[2 : len(c.args)-1] {
		if !strings.EqualFold(opt, "replace") {
			c.fail(errorf(ErrSyntax, "ERR Unknown option given: %s", opt))
			return
		}
		replace = true
	}
	name, err := c.s.functions().Load(c.args[len(c.args)-1], replace)
	if err != nil {
		c.fail(loadError(err))
		return
	}
	c.w.Bulk(name)
}

func cmdFunctionDelete(c *call) {
	if !c.s.functions().Delete(c.args[2]) {
		c.fail(ErrLibraryNotFound)
		return
	}
	c.ok()
}

func cmdFunctionFlush(c *call) {
	switch {
	case len(c.args) > 3:
		c.fail(errorf(ErrUnknownSubcommand, "ERR unknown subcommand or wrong number of arguments for '%s'. Try FUNCTION HELP.", c.args[1]))
		return
	case len(c.args) == 3 && !strings.EqualFold(c.args[2], "sync") && !strings.EqualFold(c.args[2], "async"):
		c.fail(ErrFunctionFlushOption)
		return
	}
	c.s.functions().Flush()
	c.ok()
}

func cmdFunctionList(c *call) {
	pattern, withCode, havePattern := "", false, false
	for i := 2; i < len(c.args); i++ {
		switch a := c.args[i]; {
		case strings.EqualFold(a, "withcode") && !withCode:
			withCode = true
		case strings.EqualFold(a, "libraryname") && !havePattern:
			if i+1 == len(c.args) {
				c.fail(errorf(ErrSyntax, "ERR library name argument was not given"))
				return
			}
			pattern, havePattern = c.args[i+1], true
			i++
		default:
			c.fail(errorf(ErrSyntax, "ERR Unknown argument %s", a))
			return
		}
	}
	var libs []*luabind.Library
	for _, l := range c.s.functions().Libraries() {
		if !havePattern || matchGlob(strings.ToLower(pattern), strings.ToLower(l.Name)) {
			libs = append(libs, l)
		}
	}
	w := c.w
	w.Array(len(libs))
	for _, l := range libs {
		n := 3
		if withCode {
			n = 4
		}
		w.Map(n)
		w.Bulk("library_name")
		w.Bulk(l.Name)
		w.Bulk("engine")
		w.Bulk("LUA")
		w.Bulk("functions")
		w.Array(len(l.Functions))
		for _, f := range l.Functions {
			w.Map(3)
			w.Bulk("name")
			w.Bulk(f.Name)
			w.Bulk("description")
			if f.HasDescription {
				w.Bulk(f.Description)
			} else {
				w.NullBulk()
			}
			w.Bulk("flags")
			names := luabind.FlagNames(f.Flags)
			w.Set(len(names))
			for _, name := range names {
				w.Status(name)
			}
		}
		if withCode {
			w.Bulk("library_code")
			w.Bulk(l.Code)
		}
	}
}

// cmdFunctionStats answers for an idle store: a running function holds the
// store lock, so FUNCTION STATS never sees one.
func cmdFunctionStats(c *call) {
	libs, funcs := c.s.functions().Counts()
	w := c.w
	w.Map(2)
	w.Bulk("running_script")
	w.NullBulk()
	w.Bulk("engines")
	w.Map(1)
	w.Bulk("LUA")
	w.Map(2)
	w.Bulk("libraries_count")
	w.Int(int64(libs))
	w.Bulk("functions_count")
	w.Int(int64(funcs))
}

// cmdFunctionKill runs under the store lock, which a running function
// holds: through Do no function is ever running. FunctionKill reaches one.
func cmdFunctionKill(c *call) { c.fail(ErrNotBusy) }

func cmdFunctionDump(c *call) { c.w.Bulk(dumpFunctions(c.s.functions())) }

func cmdFunctionRestore(c *call) {
	policy := "APPEND"
	if len(c.args) > 4 {
		c.fail(errorf(ErrUnknownSubcommand, "ERR unknown subcommand or wrong number of arguments for '%s'. Try FUNCTION HELP.", c.args[1]))
		return
	}
	if len(c.args) == 4 {
		policy = strings.ToUpper(c.args[3])
	}
	if err := restoreFunctions(c.s.functions(), c.args[2], policy); err != nil {
		c.fail(err)
		return
	}
	c.ok()
}

var functionHelp = []string{
	"LOAD [REPLACE] <FUNCTION CODE>",
	"    Create a new library with the given library name and code.",
	"DELETE <LIBRARY NAME>",
	"    Delete the given library.",
	"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
	"    Return general information on all the libraries:",
	"    * Library name",
	"    * The engine used to run the Library",
	"    * Library description",
	"    * Functions list",
	"    * Library code (if WITHCODE is given)",
	"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
	"STATS",
	"    Return information about the current function running:",
	"    * Function name",
	"    * Command used to run the function",
	"    * Duration in MS that the function is running",
	"    If no function is running, return nil",
	"    In addition, returns a list of available engines.",
	"KILL",
	"    Kill the current running function.",
	"FLUSH [ASYNC|SYNC]",
	"    Delete all the libraries.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the libraries.",
	"    * SYNC: Synchronously flush the libraries.",
	"DUMP",
	"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
	"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
	"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
	"    control how to handle existing libraries (default APPEND):",
	"    * FLUSH: delete all existing libraries.",
	"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
	"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
	"      libraries with the new libraries (notice that even on this option there is a chance of failure",
	"      in case of functions name collision with another library).",
	"HELP",
	"    Prints this help.",
}

func cmdFunctionHelp(c *call) {
	c.w.Array(len(functionHelp) + 1)
	c.w.Status("FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range functionHelp {
		c.w.Status(l)
	}
}

// The DUMP payload: for each library the RDB function opcode and the code
// as an RDB string, then the RDB version (2 bytes, little
// endian) and the CRC64 (Jones) of everything before (8 bytes, little
// endian), as Redis frames DUMP payloads.
const (
	rdbOpcodeFunction2 = 245
	rdbVersion         = 10
)

func dumpFunctions(f *luabind.Functions) string {
	var b []byte
	for _, l := range f.Libraries() {
		b = append(b, rdbOpcodeFunction2)
		b = appendRDBString(b, l.Code)
	}
	return sealPayload(b)
}

// appendRDBString appends s as Redis saves a string with rdbcompression
// on: LZF-compressed when that saves at least 5 bytes of a string longer
// than 20, else raw. (Integer encodings only apply to strings that are
// integers, which library code never is.)
func appendRDBString(b []byte, s string) []byte {
	if len(s) > 20 {
		if c := lzfCompress([]byte(s), len(s)-4); c != nil {
			b = append(b, 0xc3)
			b = appendRDBLen(b, uint64(len(c)))
			b = appendRDBLen(b, uint64(len(s)))
			return append(b, c...)
		}
	}
	b = appendRDBLen(b, uint64(len(s)))
	return append(b, s...)
}

// readRDBString reads a raw or LZF-compressed RDB string.
func readRDBString(p []byte) (s string, rest []byte, ok bool) {
	if len(p) > 0 && p[0] == 0xc3 {
		clen, rest, ok := readRDBLen(p[1:])
		if !ok {
			return "", nil, false
		}
		n, rest, ok := readRDBLen(rest)
		// An LZF back reference of 3 bytes expands to at most 264: a
		// longer claim is corrupt (and must not be allocated).
		if !ok || clen > uint64(len(rest)) || n > clen*88+64 {
			return "", nil, false
		}
		out, ok := lzfDecompress(rest[:clen], int(n))
		return string(out), rest[clen:], ok
	}
	n, rest, ok := readRDBLen(p)
	if !ok || n > uint64(len(rest)) {
		return "", nil, false
	}
	return string(rest[:n]), rest[n:], true
}

func appendRDBLen(b []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n))
	case n < 1<<14:
		return append(b, byte(n>>8)|0x40, byte(n))
	case n <= 0xffffffff:
		b = append(b, 0x80)
		return binary.BigEndian.AppendUint32(b, uint32(n))
	}
	b = append(b, 0x81)
	return binary.BigEndian.AppendUint64(b, n)
}

// readRDBLen reads an RDB length; encoded (special) lengths are refused.
func readRDBLen(p []byte) (n uint64, rest []byte, ok bool) {
	if len(p) == 0 {
		return 0, nil, false
	}
	switch p[0] >> 6 {
	case 0:
		return uint64(p[0] & 0x3f), p[1:], true
	case 1:
		if len(p) < 2 {
			return 0, nil, false
		}
		return uint64(p[0]&0x3f)<<8 | uint64(p[1]), p[2:], true
	}
	switch {
	case p[0] == 0x80 && len(p) >= 5:
		return uint64(binary.BigEndian.Uint32(p[1:])), p[5:], true
	case p[0] == 0x81 && len(p) >= 9:
		return binary.BigEndian.Uint64(p[1:]), p[9:], true
	}
	return 0, nil, false
}

// restoreFunctions loads the libraries of a dumpFunctions payload under a
// policy (FLUSH, APPEND or REPLACE): all of them or, on an error, none.
func restoreFunctions(f *luabind.Functions, payload, policy string) error {
	switch policy {
	case "FLUSH", "APPEND", "REPLACE":
	default:
		return ErrRestorePolicy
	}
	p := []byte(payload)
	if !payloadOK(p) {
		return ErrFunctionPayload
	}
	var codes []string
	for body := p[:len(p)-10]; len(body) > 0; {
		if body[0] != rdbOpcodeFunction2 {
			return ErrFunctionPayload
		}
		code, rest, ok := readRDBString(body[1:])
		if !ok {
			return ErrFunctionPayload
		}
		codes = append(codes, code)
		body = rest
	}
	if err := f.Restore(codes, policy); err != nil {
		return loadError(err)
	}
	return nil
}

var crc64Table = func() (t [256]uint64) {
	const poly = 0x95ac9329ac4bc9b5 // Jones 0xad93d23594c935a9, bit-reversed
	for i := range t {
		c := uint64(i)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ poly
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}()

// crc64Jones is Redis's CRC64 (Jones polynomial, reflected, no inversion).
func crc64Jones(crc uint64, p []byte) uint64 {
	for _, b := range p {
		crc = crc64Table[byte(crc)^b] ^ crc>>8
	}
	return crc
}

// LZF, as Redis's RDB strings use it (liblzf with Redis's settings: a
// 2^16-entry hash table, the "very fast" variant), so that FUNCTION DUMP's
// payload is byte-for-byte Redis's.
const (
	lzfHashLog = 16
	lzfMaxLit  = 1 << 5
	lzfMaxOff  = 1 << 13
	lzfMaxRef  = 1<<8 + 1<<3
)

func lzfIndex(h uint32) uint32 { return (h>>(24-lzfHashLog) - h*5) & (1<<lzfHashLog - 1) }

// lzfCompress compresses in into at most outLen bytes; nil when it does not
// fit.
func lzfCompress(in []byte, outLen int) []byte {
	n := len(in)
	if n == 0 || outLen == 0 {
		return nil
	}
	htab := make([]int32, 1<<lzfHashLog)
	for i := range htab {
		htab[i] = -1
	}
	out := make([]byte, outLen+8)
	ip, op, lit := 0, 1, 0
	hval := uint32(in[0])<<8 | uint32(in[1%n])
	for ip < n-2 {
		hval = hval<<8 | uint32(in[ip+2])
		slot := lzfIndex(hval)
		ref := int(htab[slot])
		htab[slot] = int32(ip)
		if ref > 0 && ip-ref-1 < lzfMaxOff &&
			in[ref] == in[ip] && in[ref+1] == in[ip+1] && in[ref+2] == in[ip+2] {
			off := ip - ref - 1
			length := 2
			maxlen := n - ip - length
			if maxlen > lzfMaxRef {
				maxlen = lzfMaxRef
			}
			out[op-lit-1] = byte(lit - 1)
			if lit == 0 {
				op--
			}
			if op+3+1 >= outLen {
				return nil
			}
			matched := false
			if maxlen > 16 {
				for range 16 {
					length++
					if in[ref+length] != in[ip+length] {
						matched = true
						break
					}
				}
			}
			if !matched {
				for {
					length++
					if !(length < maxlen && in[ref+length] == in[ip+length]) {
						break
					}
				}
			}
			length -= 2
			ip++
			if length < 7 {
				out[op] = byte(off>>8 + length<<5)
				op++
			} else {
				out[op] = byte(off>>8 + 7<<5)
				out[op+1] = byte(length - 7)
				op += 2
			}
			out[op] = byte(off)
			op += 2 // the offset, then a new literal run
			lit = 0
			ip += length + 1
			if ip >= n-2 {
				break
			}
			ip -= 2
			hval = uint32(in[ip])<<8 | uint32(in[ip+1])
			hval = hval<<8 | uint32(in[ip+2])
			htab[lzfIndex(hval)] = int32(ip)
			ip++
			hval = hval<<8 | uint32(in[ip+2])
			htab[lzfIndex(hval)] = int32(ip)
			ip++
			continue
		}
		if op >= outLen {
			return nil
		}
		lit++
		out[op] = in[ip]
		op++
		ip++
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	if op+3 > outLen {
		return nil
	}
	for ip < n {
		lit++
		out[op] = in[ip]
		op++
		ip++
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	out[op-lit-1] = byte(lit - 1)
	if lit == 0 {
		op--
	}
	return out[:op]
}

// lzfDecompress expands LZF data to exactly n bytes.
func lzfDecompress(in []byte, n int) ([]byte, bool) {
	out := make([]byte, 0, n)
	for ip := 0; ip < len(in); {
		ctrl := int(in[ip])
		ip++
		if ctrl < 1<<5 {
			ctrl++
			if ip+ctrl > len(in) || len(out)+ctrl > n {
				return nil, false
			}
			out = append(out, in[ip:ip+ctrl]...)
			ip += ctrl
			continue
		}
		length := ctrl >> 5
		if length == 7 {
			if ip >= len(in) {
				return nil, false
			}
			length += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return nil, false
		}
		ref := len(out) - (ctrl&0x1f)<<8 - 1 - int(in[ip])
		ip++
		length += 2
		if ref < 0 || len(out)+length > n {
			return nil, false
		}
		for i := 0; i < length; i++ {
			out = append(out, out[ref+i])
		}
	}
	return out, len(out) == n
}
