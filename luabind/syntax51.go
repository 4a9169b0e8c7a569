package luabind

// A syntax checker for Lua 5.1, the language Redis embeds. gopher-lua's
// parser accepts a superset of it (goto and labels, "1e" as a number) and
// words its errors its own way; syntax51 reads a chunk the way Lua 5.1's
// lexer and recursive-descent parser do and returns the first error in
// Lua 5.1's words ("user_script:1: 'end' expected near '<eof>'"), with the
// line the lexer had reached and the token text Lua 5.1 prints (for names,
// strings and numbers, the text its lexer had buffered: a string with its
// escapes already decoded, or the lookahead token's text after a table
// field lookahead). It builds nothing: no tree, no code; the only
// allocation is the token buffer, and the message when there is an error.

import (
	"math"
	"strconv"
)

// Tokens: a single character is its byte value; the rest follow.
const (
	t51And = 257 + iota
	t51Break
	t51Do
	t51Else
	t51Elseif
	t51End
	t51False
	t51For
	t51Function
	t51If
	t51In
	t51Local
	t51Nil
	t51Not
	t51Or
	t51Repeat
	t51Return
	t51Then
	t51True
	t51Until
	t51While
	t51Concat
	t51Dots
	t51Eq
	t51Ge
	t51Le
	t51Ne
	t51Number
	t51Name
	t51String
	t51EOS
	t51None // no lookahead token
)

// t51Names are the texts of the tokens from t51And on (luaX_tokens).
var t51Names = [...]string{
	"and", "break", "do", "else", "elseif",
	"end", "false", "for", "function", "if",
	"in", "local", "nil", "not", "or", "repeat",
	"return", "then", "true", "until", "while",
	"..", "...", "==", ">=", "<=", "~=",
	"<number>", "<name>", "<string>", "<eof>",
}

// Lua 5.1's limits the checker enforces.
const (
	s51MaxCCalls = 200 // LUAI_MAXCCALLS: syntax nesting
	s51MaxVars   = 200 // LUAI_MAXVARS: active locals of one function
	s51Eoz       = -1
)

// s51Error carries a finished message out of the recursion.
type s51Error struct{ msg string }

// s51Func is what the checker tracks of a function being parsed.
type s51Func struct {
	vararg      bool
	nactvar     int // active locals
	blocks      []s51Block
	linedefined int
}

type s51Block struct {
	nactvar   int
	breakable bool
}

// s51State is Lua 5.1's LexState plus the little of FuncState the checks
// need.
type s51State struct {
	src     string
	pos     int // index of the character after current
	current int // the character being looked at, or s51Eoz
	line    int
	last    int // lastline: the line of the last token consumed
	t       int // the current token
	ahead   int // the lookahead token, or t51None
	buf     []byte
	chunk   string
	nCcalls int
	fs      []*s51Func
	dots    bool // the main function uses "..."
	// fixed is the source with the numerals gopher-lua misreads replaced,
	// once there is one (see fixNumeral).
	fixed []byte
	done  int // the part of src copied to fixed
}

// s51Result is the verdict of syntax51.
type s51Result struct {
	msg  string // Lua 5.1's error, "" when it accepts the code
	dots bool   // the main function uses "..."
	// code is the source for gopher-lua when it differs: numerals that
	// gopher-lua reads otherwise ("012" as octal, "0x1p4", "1e500")
	// replaced by ones it reads as Lua 5.1 does. "" when no change.
	code string
}

// syntax51 checks code as Lua 5.1's parser does when loading it as a chunk
// named chunk (as luaO_chunkid prints it). nCcalls is the C call depth Lua
// 5.1 would start the parse at.
func syntax51(code, chunk string, nCcalls int) (res s51Result) {
	ls := &s51State{src: code, line: 1, last: 1, ahead: t51None, chunk: chunk, nCcalls: nCcalls}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(s51Error)
			if !ok {
				panic(r)
			}
			res = s51Result{msg: e.msg}
		}
	}()
	ls.next()
	ls.openFunc(0)
	ls.fn().vararg = true // a chunk is
	ls.advance()
	ls.chunkBody()
	ls.check(t51EOS)
	res.dots = ls.dots
	if ls.fixed != nil {
		res.code = string(append(ls.fixed, code[ls.done:]...))
	}
	return res
}

func (ls *s51State) fn() *s51Func { return ls.fs[len(ls.fs)-1] }

func (ls *s51State) openFunc(line int) {
	ls.fs = append(ls.fs, &s51Func{linedefined: line})
}

func (ls *s51State) closeFunc() { ls.fs = ls.fs[:len(ls.fs)-1] }

// ---- errors ----

// tokenText is luaX_token2str.
func s51TokenText(tok int) string {
	if tok < 257 {
		if tok < 32 || tok == 127 {
			return "char(" + strconv.Itoa(tok) + ")"
		}
		return string([]byte{byte(tok)})
	}
	return t51Names[tok-257]
}

// txtToken is Lua 5.1's txtToken: names, strings and numbers print as the
// lexer's buffer holds them (up to a NUL byte).
func (ls *s51State) txtToken(tok int) string {
	switch tok {
	case t51Name, t51String, t51Number:
		b := ls.buf
		for i, c := range b {
			if c == 0 {
				b = b[:i]
				break
			}
		}
		return string(b)
	}
	return s51TokenText(tok)
}

// lexError is luaX_lexerror; tok 0 adds no "near" part.
func (ls *s51State) lexError(msg string, tok int) {
	msg = ls.chunk + ":" + strconv.Itoa(ls.line) + ": " + msg
	if tok != 0 {
		msg += " near '" + ls.txtToken(tok) + "'"
	}
	panic(s51Error{msg})
}

// syntaxError is luaX_syntaxerror: near the current token.
func (ls *s51State) syntaxError(msg string) { ls.lexError(msg, ls.t) }

func (ls *s51State) errorExpected(tok int) {
	ls.syntaxError("'" + s51TokenText(tok) + "' expected")
}

func (ls *s51State) errorLimit(limit int, what string) {
	f := ls.fn()
	var msg string
	if f.linedefined == 0 {
		msg = "main function has more than " + strconv.Itoa(limit) + " " + what
	} else {
		msg = "function at line " + strconv.Itoa(f.linedefined) + " has more than " + strconv.Itoa(limit) + " " + what
	}
	ls.lexError(msg, 0)
}

func (ls *s51State) enterLevel() {
	ls.nCcalls++
	if ls.nCcalls > s51MaxCCalls {
		ls.lexError("chunk has too many syntax levels", 0)
	}
}

func (ls *s51State) leaveLevel() { ls.nCcalls-- }

// ---- lexer (llex.c) ----

func (ls *s51State) next() {
	if ls.pos < len(ls.src) {
		ls.current = int(ls.src[ls.pos])
		ls.pos++
	} else {
		ls.current = s51Eoz
		ls.pos = len(ls.src) + 1
	}
}

func (ls *s51State) save(c int) { ls.buf = append(ls.buf, byte(c)) }

func (ls *s51State) saveAndNext() {
	ls.save(ls.current)
	ls.next()
}

func (ls *s51State) currIsNewline() bool { return ls.current == '\n' || ls.current == '\r' }

func (ls *s51State) incLine() {
	old := ls.current
	ls.next()
	if ls.currIsNewline() && ls.current != old {
		ls.next()
	}
	ls.line++
}

func (ls *s51State) checkNext(set string) bool {
	for i := 0; i < len(set); i++ {
		if ls.current == int(set[i]) {
			ls.saveAndNext()
			return true
		}
	}
	return false
}

func s51IsAlpha(c int) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func s51IsDigit(c int) bool { return c >= '0' && c <= '9' }
func s51IsAlnum(c int) bool { return s51IsAlpha(c) || s51IsDigit(c) }
func s51IsSpace(c int) bool { return c >= 0 && c51IsSpace(byte(c)) }

func (ls *s51State) readNumeral() {
	start := ls.pos - 1 - len(ls.buf)
	for {
		ls.saveAndNext()
		if !s51IsDigit(ls.current) && ls.current != '.' {
			break
		}
	}
	if ls.checkNext("Ee") {
		ls.checkNext("+-")
	}
	for s51IsAlnum(ls.current) || ls.current == '_' {
		ls.saveAndNext()
	}
	f, ok := c51StrToNumber(string(ls.buf))
	if !ok {
		ls.lexError("malformed number", t51Number)
	}
	if !s51GopherReads(ls.buf) {
		ls.fixNumeral(start, ls.pos-1, f)
	}
}

// s51GopherReads reports whether gopher-lua reads numeral n as Lua 5.1
// does: a decimal without a leading zero before a digit whose value is
// finite, or a hexadecimal integer of at most 15 digits.
func s51GopherReads(n []byte) bool {
	if len(n) > 2 && n[0] == '0' && n[1]|0x20 == 'x' {
		if len(n) > 17 {
			return false
		}
		for _, c := range n[2:] {
			if !c51IsHex(c) {
				return false
			}
		}
		return true
	}
	if len(n) > 1 && n[0] == '0' && c51IsDigit(n[1]) {
		return false
	}
	exp := 0
	for i, c := range n {
		if c|0x20 == 'e' {
			exp, _ = strconv.Atoi(string(n[i+1:]))
			break
		}
	}
	return exp > -300 && exp < 300 // far from overflow and from denormals
}

// fixNumeral replaces src[start:end], a numeral of value f, in the source
// for gopher-lua.
func (ls *s51State) fixNumeral(start, end int, f float64) {
	if ls.fixed == nil {
		ls.fixed = make([]byte, 0, len(ls.src)+16)
	}
	ls.fixed = append(ls.fixed, ls.src[ls.done:start]...)
	switch {
	case math.IsInf(f, 1):
		ls.fixed = append(ls.fixed, "(1/0)"...)
	default:
		ls.fixed = strconv.AppendFloat(ls.fixed, f, 'g', -1, 64)
	}
	ls.done = end
}

// skipSep reads "[" or "]" and the "=" after it: the level of a long
// bracket, or -count-1 when the second bracket is missing.
func (ls *s51State) skipSep() int {
	count := 0
	s := ls.current
	ls.saveAndNext()
	for ls.current == '=' {
		ls.saveAndNext()
		count++
	}
	if ls.current == s {
		return count
	}
	return -count - 1
}

func (ls *s51State) readLongString(isString bool, sep int) {
	ls.saveAndNext() // the second '['
	if ls.currIsNewline() {
		ls.incLine()
	}
	for {
		switch ls.current {
		case s51Eoz:
			if isString {
				ls.lexError("unfinished long string", t51EOS)
			}
			ls.lexError("unfinished long comment", t51EOS)
		case ']': // Redis's Lua has no nesting of [[...]]
			if ls.skipSep() == sep {
				ls.saveAndNext()
				return
			}
		case '\n', '\r':
			ls.save('\n')
			ls.incLine()
			if !isString {
				ls.buf = ls.buf[:0]
			}
		default:
			if isString {
				ls.saveAndNext()
			} else {
				ls.next()
			}
		}
	}
}

func (ls *s51State) readString(del int) {
	ls.saveAndNext()
	for ls.current != del {
		switch ls.current {
		case s51Eoz:
			ls.lexError("unfinished string", t51EOS)
		case '\n', '\r':
			ls.lexError("unfinished string", t51String)
		case '\\':
			var c int
			ls.next()
			switch ls.current {
			case 'a':
				c = '\a'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'v':
				c = '\v'
			case '\n', '\r':
				ls.save('\n')
				ls.incLine()
				continue
			case s51Eoz:
				continue // the loop raises the error
			default:
				if !s51IsDigit(ls.current) {
					ls.saveAndNext() // \\, \", \' and any other character
					continue
				}
				c = 0
				for i := 0; i < 3 && s51IsDigit(ls.current); i++ {
					c = 10*c + ls.current - '0'
					ls.next()
				}
				if c > 255 {
					ls.lexError("escape sequence too large", t51String)
				}
				ls.save(c)
				continue
			}
			ls.save(c)
			ls.next()
		default:
			ls.saveAndNext()
		}
	}
	ls.saveAndNext()
}

// lex is llex: it reads the next token into the buffer.
func (ls *s51State) lex() int {
	ls.buf = ls.buf[:0]
	for {
		switch c := ls.current; c {
		case '\n', '\r':
			ls.incLine()
		case '-':
			ls.next()
			if ls.current != '-' {
				return '-'
			}
			ls.next()
			if ls.current == '[' {
				sep := ls.skipSep()
				ls.buf = ls.buf[:0]
				if sep >= 0 {
					ls.readLongString(false, sep)
					ls.buf = ls.buf[:0]
					continue
				}
			}
			for !ls.currIsNewline() && ls.current != s51Eoz {
				ls.next()
			}
		case '[':
			sep := ls.skipSep()
			if sep >= 0 {
				ls.readLongString(true, sep)
				return t51String
			}
			if sep == -1 {
				return '['
			}
			ls.lexError("invalid long string delimiter", t51String)
		case '=', '<', '>', '~':
			ls.next()
			if ls.current != '=' {
				return c
			}
			ls.next()
			switch c {
			case '=':
				return t51Eq
			case '<':
				return t51Le
			case '>':
				return t51Ge
			}
			return t51Ne
		case '"', '\'':
			ls.readString(c)
			return t51String
		case '.':
			ls.saveAndNext()
			if ls.checkNext(".") {
				if ls.checkNext(".") {
					return t51Dots
				}
				return t51Concat
			}
			if !s51IsDigit(ls.current) {
				return '.'
			}
			ls.readNumeral()
			return t51Number
		case s51Eoz:
			return t51EOS
		default:
			switch {
			case s51IsSpace(c):
				ls.next()
			case s51IsDigit(c):
				ls.readNumeral()
				return t51Number
			case s51IsAlpha(c) || c == '_':
				for {
					ls.saveAndNext()
					if !s51IsAlnum(ls.current) && ls.current != '_' {
						break
					}
				}
				return s51Reserved(ls.buf)
			default:
				ls.next()
				return c
			}
		}
	}
}

// s51Reserved returns the token of a reserved word, or t51Name.
func s51Reserved(w []byte) int {
	if len(w) < 2 || len(w) > 8 {
		return t51Name
	}
	for i, name := range t51Names[:t51While-t51And+1] {
		if string(w) == name {
			return t51And + i
		}
	}
	return t51Name
}

// advance is luaX_next.
func (ls *s51State) advance() {
	ls.last = ls.line
	if ls.ahead != t51None {
		ls.t, ls.ahead = ls.ahead, t51None
		return
	}
	ls.t = ls.lex()
}

// lookahead is luaX_lookahead.
func (ls *s51State) lookahead() { ls.ahead = ls.lex() }

// ---- parser (lparser.c) ----

func (ls *s51State) testNext(tok int) bool {
	if ls.t == tok {
		ls.advance()
		return true
	}
	return false
}

func (ls *s51State) check(tok int) {
	if ls.t != tok {
		ls.errorExpected(tok)
	}
}

func (ls *s51State) checkNextTok(tok int) {
	ls.check(tok)
	ls.advance()
}

func (ls *s51State) checkMatch(what, who, where int) {
	if ls.testNext(what) {
		return
	}
	if where == ls.line {
		ls.errorExpected(what)
	}
	ls.syntaxError("'" + s51TokenText(what) + "' expected (to close '" + s51TokenText(who) + "' at line " + strconv.Itoa(where) + ")")
}

func (ls *s51State) checkName() {
	ls.check(t51Name)
	ls.advance()
}

// newLocal is new_localvar: local n of the statement being read.
func (ls *s51State) newLocal(n int) {
	if f := ls.fn(); f.nactvar+n+1 > s51MaxVars {
		ls.errorLimit(s51MaxVars, "local variables")
	}
}

func (ls *s51State) enterBlock(breakable bool) {
	f := ls.fn()
	f.blocks = append(f.blocks, s51Block{nactvar: f.nactvar, breakable: breakable})
}

func (ls *s51State) leaveBlock() {
	f := ls.fn()
	f.nactvar = f.blocks[len(f.blocks)-1].nactvar
	f.blocks = f.blocks[:len(f.blocks)-1]
}

func s51BlockFollow(tok int) bool {
	switch tok {
	case t51Else, t51Elseif, t51End, t51Until, t51EOS:
		return true
	}
	return false
}

// chunkBody is chunk: statements up to a block end.
func (ls *s51State) chunkBody() {
	ls.enterLevel()
	last := false
	for !last && !s51BlockFollow(ls.t) {
		last = ls.statement()
		ls.testNext(';')
	}
	ls.leaveLevel()
}

func (ls *s51State) block() {
	ls.enterBlock(false)
	ls.chunkBody()
	ls.leaveBlock()
}

// Expression kinds, as far as the checks need them.
const (
	e51Other = iota
	e51Var   // a name or an indexed value: assignable
	e51Call
)

func (ls *s51State) statement() bool {
	line := ls.line
	switch ls.t {
	case t51If:
		ls.ifStat(line)
	case t51While:
		ls.advance()
		ls.expr()
		ls.enterBlock(true)
		ls.checkNextTok(t51Do)
		ls.block()
		ls.checkMatch(t51End, t51While, line)
		ls.leaveBlock()
	case t51Do:
		ls.advance()
		ls.block()
		ls.checkMatch(t51End, t51Do, line)
	case t51For:
		ls.forStat(line)
	case t51Repeat:
		ls.enterBlock(true)
		ls.enterBlock(false)
		ls.advance()
		ls.chunkBody()
		ls.checkMatch(t51Until, t51Repeat, line)
		ls.expr()
		ls.leaveBlock()
		ls.leaveBlock()
	case t51Function:
		ls.advance()
		ls.checkName() // funcname: NAME {'.' NAME} [':' NAME]
		for ls.t == '.' {
			ls.advance()
			ls.checkName()
		}
		self := false
		if ls.t == ':' {
			self = true
			ls.advance()
			ls.checkName()
		}
		ls.body(self, line)
	case t51Local:
		ls.advance()
		if ls.testNext(t51Function) {
			ls.checkName()
			ls.newLocal(0)
			ls.fn().nactvar++
			ls.body(false, ls.line)
		} else {
			ls.localStat()
		}
	case t51Return:
		ls.advance()
		if !s51BlockFollow(ls.t) && ls.t != ';' {
			ls.exprList()
		}
		return true
	case t51Break:
		ls.advance()
		f := ls.fn()
		ok := false
		for i := len(f.blocks) - 1; i >= 0; i-- {
			if f.blocks[i].breakable {
				ok = true
				break
			}
		}
		if !ok {
			ls.syntaxError("no loop to break")
		}
		return true
	default:
		ls.exprStat()
	}
	return false
}

func (ls *s51State) ifStat(line int) {
	ls.testThenBlock()
	for ls.t == t51Elseif {
		ls.testThenBlock()
	}
	if ls.t == t51Else {
		ls.advance()
		ls.block()
	}
	ls.checkMatch(t51End, t51If, line)
}

func (ls *s51State) testThenBlock() {
	ls.advance()
	ls.expr()
	ls.checkNextTok(t51Then)
	ls.block()
}

func (ls *s51State) forStat(line int) {
	ls.enterBlock(true)
	ls.advance()
	ls.checkName()
	switch ls.t {
	case '=':
		for i := 0; i < 4; i++ { // (for index), (for limit), (for step), the variable
			ls.newLocal(i)
		}
		ls.advance()
		ls.expr()
		ls.checkNextTok(',')
		ls.expr()
		if ls.testNext(',') {
			ls.expr()
		}
		ls.forBody(line, 1)
	case ',', t51In:
		n := 4 // (for generator), (for state), (for control), the first variable
		for i := 0; i < n; i++ {
			ls.newLocal(i)
		}
		for ls.testNext(',') {
			ls.checkName()
			ls.newLocal(n)
			n++
		}
		ls.checkNextTok(t51In)
		ls.exprList()
		ls.forBody(line, n-3)
	default:
		ls.syntaxError("'=' or 'in' expected")
	}
	ls.checkMatch(t51End, t51For, line)
	ls.leaveBlock()
}

func (ls *s51State) forBody(line, nvars int) {
	f := ls.fn()
	f.nactvar += 3
	ls.checkNextTok(t51Do)
	ls.enterBlock(false)
	f.nactvar += nvars
	ls.block()
	ls.leaveBlock()
}

func (ls *s51State) localStat() {
	n := 0
	for {
		ls.checkName()
		ls.newLocal(n)
		n++
		if !ls.testNext(',') {
			break
		}
	}
	if ls.testNext('=') {
		ls.exprList()
	}
	ls.fn().nactvar += n
}

func (ls *s51State) exprStat() {
	kind := ls.primaryExp()
	if kind == e51Call {
		return
	}
	ls.assignment(kind, 1)
}

func (ls *s51State) assignment(kind, nvars int) {
	if kind != e51Var {
		ls.syntaxError("syntax error")
	}
	if ls.testNext(',') {
		k := ls.primaryExp()
		if limit := s51MaxCCalls - ls.nCcalls; nvars > limit {
			ls.errorLimit(limit, "variables in assignment")
		}
		ls.assignment(k, nvars+1)
		return
	}
	ls.checkNextTok('=')
	ls.exprList()
}

// body is a function's parameters and statements.
func (ls *s51State) body(self bool, line int) {
	ls.openFunc(line)
	defer ls.closeFunc()
	ls.checkNextTok('(')
	f := ls.fn()
	if self {
		ls.newLocal(0)
		f.nactvar++
	}
	n := 0
	if ls.t != ')' {
		for {
			if ls.t == t51Name {
				ls.advance()
				ls.newLocal(n)
				n++
			} else if ls.t == t51Dots {
				ls.advance()
				ls.newLocal(n) // the compatibility "arg" table
				n++
				f.vararg = true
			} else {
				ls.syntaxError("<name> or '...' expected")
			}
			if f.vararg || !ls.testNext(',') {
				break
			}
		}
	}
	f.nactvar += n
	ls.checkNextTok(')')
	ls.chunkBody()
	ls.checkMatch(t51End, t51Function, line)
}

func (ls *s51State) exprList() {
	ls.expr()
	for ls.testNext(',') {
		ls.expr()
	}
}

func (ls *s51State) expr() int { return ls.subexpr(0) }

// Binary operator priorities (left, right), by token; 0 for none.
func s51BinPriority(tok int) (left, right int) {
	switch tok {
	case '+', '-':
		return 6, 6
	case '*', '/', '%':
		return 7, 7
	case '^':
		return 10, 9
	case t51Concat:
		return 5, 4
	case t51Eq, t51Ne, '<', t51Le, '>', t51Ge:
		return 3, 3
	case t51And:
		return 2, 2
	case t51Or:
		return 1, 1
	}
	return 0, 0
}

const s51UnaryPriority = 8

// subexpr reads an expression whose operators bind tighter than limit; it
// returns the kind of the expression when it is a lone primary expression.
func (ls *s51State) subexpr(limit int) int {
	ls.enterLevel()
	kind := e51Other
	switch ls.t {
	case t51Not, '-', '#':
		ls.advance()
		ls.subexpr(s51UnaryPriority)
	default:
		kind = ls.simpleExp()
	}
	for {
		left, right := s51BinPriority(ls.t)
		if left <= limit {
			break
		}
		kind = e51Other
		ls.advance()
		ls.subexpr(right)
	}
	ls.leaveLevel()
	return kind
}

func (ls *s51State) simpleExp() int {
	switch ls.t {
	case t51Number, t51String, t51Nil, t51True, t51False:
	case t51Dots:
		if !ls.fn().vararg {
			ls.syntaxError("cannot use '...' outside a vararg function")
		}
		if len(ls.fs) == 1 {
			ls.dots = true
		}
	case '{':
		ls.constructor()
		return e51Other
	case t51Function:
		ls.advance()
		ls.body(false, ls.line)
		return e51Other
	default:
		return ls.primaryExp()
	}
	ls.advance()
	return e51Other
}

func (ls *s51State) primaryExp() int {
	kind := e51Var
	switch ls.t {
	case '(':
		line := ls.line
		ls.advance()
		ls.expr()
		ls.checkMatch(')', '(', line)
		kind = e51Other
	case t51Name:
		ls.advance()
	default:
		ls.syntaxError("unexpected symbol")
	}
	for {
		switch ls.t {
		case '.':
			ls.advance()
			ls.checkName()
			kind = e51Var
		case '[':
			ls.yindex()
			kind = e51Var
		case ':':
			ls.advance()
			ls.checkName()
			ls.funcArgs()
			kind = e51Call
		case '(', t51String, '{':
			ls.funcArgs()
			kind = e51Call
		default:
			return kind
		}
	}
}

func (ls *s51State) yindex() {
	ls.advance()
	ls.expr()
	ls.checkNextTok(']')
}

func (ls *s51State) funcArgs() {
	line := ls.line
	switch ls.t {
	case '(':
		if line != ls.last {
			ls.syntaxError("ambiguous syntax (function call x new statement)")
		}
		ls.advance()
		if ls.t != ')' {
			ls.exprList()
		}
		ls.checkMatch(')', '(', line)
	case '{':
		ls.constructor()
	case t51String:
		ls.advance()
	default:
		ls.syntaxError("function arguments expected")
	}
}

func (ls *s51State) constructor() {
	line := ls.line
	ls.checkNextTok('{')
	for {
		if ls.t == '}' {
			break
		}
		switch ls.t {
		case t51Name:
			ls.lookahead()
			if ls.ahead != '=' {
				ls.expr()
			} else {
				ls.advance() // the name
				ls.advance() // '='
				ls.expr()
			}
		case '[':
			ls.yindex()
			ls.checkNextTok('=')
			ls.expr()
		default:
			ls.expr()
		}
		if !ls.testNext(',') && !ls.testNext(';') {
			break
		}
	}
	ls.checkMatch('}', '{', line)
}
