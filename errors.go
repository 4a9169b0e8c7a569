package racefree

import (
	"errors"
	"fmt"
	"strings"
)

// Error is an error reply, as Redis would send it. Error() is the whole reply
// text without the leading '-': an upper-case code ("ERR", "WRONGTYPE", ...),
// a space, the message. Compare errors with errors.Is against the sentinels
// below, never by text.
type Error struct {
	msg    string
	base   *Error // the sentinel this error is an instance of, if any
	script bool   // raised by a script or met by one at run time
}

// Error returns the reply text, verbatim as redis-server 7.0.15 sends it.
func (e *Error) Error() string { return e.msg }

// Unwrap returns the sentinel that e is an instance of (for errors whose text
// names a command or an argument), or nil.
func (e *Error) Unwrap() error {
	if e.base == nil {
		return nil
	}
	return e.base
}

// Code returns the error code: the first word of the text ("ERR", "WRONGTYPE").
func (e *Error) Code() string {
	code, _, _ := strings.Cut(e.msg, " ")
	return code
}

// Is reports whether e matches target beyond its sentinel: every error that
// a script raised or met at run time matches ErrScript too.
func (e *Error) Is(target error) bool { return target == ErrScript && e.script }

// sentinels maps the text of each sentinel to it, so that an error that
// reaches Go as a reply (from a script, inside an array) can be matched with
// errors.Is all the same.
var sentinels = map[string]*Error{}

// newError makes a sentinel. Call it only to declare one: for errors made at
// run time, use errorf or errorFromReply.
func newError(msg string) *Error {
	if sentinels[msg] != nil {
		panic("racefree: two sentinels for " + msg)
	}
	e := &Error{msg: msg}
	sentinels[msg] = e
	return e
}

// errorFromReply makes the error for an error reply's text: an instance of
// the sentinel with that text, if there is one, and of ErrScript when the
// text carries a script's " script: <sha>, on <source>:<line>." suffix.
func errorFromReply(msg string) *Error {
	core, script := msg, false
	if i := strings.Index(msg, " script: "); i >= 0 && strings.HasSuffix(msg, ".") && strings.Contains(msg[i:], ", on ") {
		core, script = msg[:i], true
	}
	base := sentinels[core]
	if base == nil {
		switch {
		case strings.HasPrefix(core, "ERR wrong number of arguments for '"):
			base = ErrWrongArity
		case strings.HasPrefix(core, "ERR unknown command '"):
			base = ErrUnknownCommand
		case strings.HasPrefix(core, "ERR unknown subcommand '"):
			base = ErrUnknownSubcommand
		case strings.HasPrefix(core, "ERR Error compiling script "):
			base = ErrScriptCompile
		}
	}
	if base != nil && base.msg == msg {
		return base
	}
	return &Error{msg: msg, base: base, script: script}
}

// errorf builds an instance of base with a text that carries details.
func errorf(base *Error, format string, args ...any) *Error {
	return &Error{msg: fmt.Sprintf(format, args...), base: base}
}

// replyText returns the text of the error reply for err. Errors that are not
// *Error (there should be none) get the generic ERR code.
func replyText(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.msg
	}
	return "ERR " + err.Error()
}

// Errors common to many commands.
var (
	// ErrWrongType: the key holds a value of another type.
	ErrWrongType = newError("WRONGTYPE Operation against a key holding the wrong kind of value")
	// ErrSyntax: an option is unknown, repeated or in the wrong place.
	ErrSyntax = newError("ERR syntax error")
	// ErrNotInteger: an argument or a stored value is not a 64-bit integer.
	ErrNotInteger = newError("ERR value is not an integer or out of range")
	// ErrNotFloat: an argument or a stored value is not a valid float.
	ErrNotFloat = newError("ERR value is not a valid float")
	// ErrNoSuchKey: the command needs a key that does not exist.
	ErrNoSuchKey = newError("ERR no such key")
	// ErrOutOfRange: a numeric argument is outside the range the command takes.
	ErrOutOfRange = newError("ERR value is out of range")
	// ErrIntRange: an argument that must fit a C int (a database number,
	// ...) does not.
	ErrIntRange = newError("ERR value is out of range, value must between -2147483648 and 2147483647")
	// ErrOutOfRangePositive: a count must be positive.
	ErrOutOfRangePositive = newError("ERR value is out of range, must be positive")
	// ErrWrongArity: a command got the wrong number of arguments. Its text
	// names the command: "ERR wrong number of arguments for 'get' command".
	ErrWrongArity = newError("ERR wrong number of arguments")
	// ErrUnknownCommand: no command has that name. Its text names the command
	// and the first arguments, as Redis does.
	ErrUnknownCommand = newError("ERR unknown command")
	// ErrUnknownSubcommand: a container command (OBJECT, ...) has no such
	// subcommand.
	ErrUnknownSubcommand = newError("ERR unknown subcommand")
	// ErrInvalidCursor: the cursor of SCAN, HSCAN, SSCAN or ZSCAN is not a
	// number.
	ErrInvalidCursor = newError("ERR invalid cursor")
)

// Errors of the keyspace, the databases and expiry.
var (
	// ErrDBIndex: SELECT, MOVE, SWAPDB or COPY DB got a database number the
	// store does not have.
	ErrDBIndex = newError("ERR DB index is out of range")
	// ErrInvalidDBIndex: SWAPDB got a database argument that is not an
	// integer. Its text says which: "ERR invalid first DB index".
	ErrInvalidDBIndex = newError("ERR invalid DB index")
	// ErrSameObject: MOVE to the same database, or COPY onto itself.
	ErrSameObject = newError("ERR source and destination objects are the same")
	// ErrInvalidExpire: a TTL or deadline is zero, negative where not allowed,
	// or overflows. Its text names the command: "ERR invalid expire time in
	// 'set' command".
	ErrInvalidExpire = newError("ERR invalid expire time")
	// ErrExpireOptions: NX with XX, GT or LT.
	ErrExpireOptions = newError("ERR NX and XX, GT or LT options at the same time are not compatible")
	// ErrExpireGTLT: GT with LT.
	ErrExpireGTLT = newError("ERR GT and LT options at the same time are not compatible")
	// ErrUnsupportedOption: EXPIRE and its variants got an option other than
	// NX, XX, GT and LT. Its text names the option: "ERR Unsupported option
	// foo".
	ErrUnsupportedOption = newError("ERR Unsupported option")
	// ErrNoLFU: OBJECT FREQ needs an LFU maxmemory policy, which a Store
	// never has (it behaves as Redis's default, noeviction).
	ErrNoLFU = newError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
)

// Errors of the string commands.
var (
	// ErrOverflow: INCR and friends would leave the 64-bit range.
	ErrOverflow = newError("ERR increment or decrement would overflow")
	// ErrIncrNaN: INCRBYFLOAT or HINCRBYFLOAT would produce NaN or Infinity.
	ErrIncrNaN = newError("ERR increment would produce NaN or Infinity")
	// ErrStringTooLong: a string would exceed 512 MB.
	ErrStringTooLong = newError("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
	// ErrBitOffset: a bit offset is not an integer or is out of range.
	ErrBitOffset = newError("ERR bit offset is not an integer or out of range")
	// ErrBitValue: SETBIT's value is neither 0 nor 1.
	ErrBitValue = newError("ERR bit is not an integer or out of range")
	// ErrDecrementOverflow: DECRBY by -9223372036854775808, whose negation
	// does not fit in 64 bits.
	ErrDecrementOverflow = newError("ERR decrement would overflow")
	// ErrSetRangeOffset: SETRANGE got a negative offset.
	ErrSetRangeOffset = newError("ERR offset is out of range")
	// ErrLCSNotString: LCS on a key that holds another type than string.
	ErrLCSNotString = newError("ERR The specified keys must contain string values")
	// ErrLCSLenAndIdx: LCS got both LEN and IDX.
	ErrLCSLenAndIdx = newError("ERR If you want both the length and indexes, please just use IDX.")
	// ErrLCSTooBig: LCS's table for the two strings would exceed 512 MB.
	ErrLCSTooBig = newError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
	// ErrBitArg: BITPOS's bit argument is neither 0 nor 1.
	ErrBitArg = newError("ERR The bit argument must be 1 or 0.")
	// ErrBitOpNot: BITOP NOT got more than one source key.
	ErrBitOpNot = newError("ERR BITOP NOT must be called with a single source key.")
	// ErrBitfieldType: a BITFIELD type is not i1 to i64 or u1 to u63.
	ErrBitfieldType = newError("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
	// ErrBitfieldOverflow: BITFIELD OVERFLOW got a mode other than WRAP, SAT
	// or FAIL.
	ErrBitfieldOverflow = newError("ERR Invalid OVERFLOW type specified")
	// ErrBitfieldRO: BITFIELD_RO got a SET or INCRBY.
	ErrBitfieldRO = newError("ERR BITFIELD_RO only supports the GET subcommand")
)

// Errors of the hash commands.
var (
	// ErrHashNotInteger: HINCRBY on a field that is not an integer.
	ErrHashNotInteger = newError("ERR hash value is not an integer")
	// ErrHashNotFloat: HINCRBYFLOAT on a field that is not a float.
	ErrHashNotFloat = newError("ERR hash value is not a float")
	// ErrHashIncrInf: HINCRBYFLOAT got an infinite increment.
	ErrHashIncrInf = newError("ERR value is NaN or Infinity")
)

// Errors of the HyperLogLog commands.
var (
	// ErrNotHLL is returned when a key holds a string that is not a
	// HyperLogLog.
	ErrNotHLL = newError("WRONGTYPE Key is not a valid HyperLogLog string value.")
	// ErrHLLCorrupt is returned when a HyperLogLog's sparse registers do not
	// decode.
	ErrHLLCorrupt = newError("INVALIDOBJ Corrupted HLL object detected")
)

// Geo errors.
var (
	// ErrGeoLonLat: a longitude or latitude is outside what a geohash can
	// hold (longitude -180..180, latitude -85.05112878..85.05112878). The
	// reply's text carries the pair.
	ErrGeoLonLat = newError("ERR invalid longitude,latitude pair")
	// ErrGeoUnit: a distance unit is not m, km, ft or mi.
	ErrGeoUnit = newError("ERR unsupported unit provided. please use M, KM, FT, MI")
	// ErrGeoRadiusNotNumber: a radius is not a number.
	ErrGeoRadiusNotNumber = newError("ERR need numeric radius")
	// ErrGeoWidthNotNumber: a box width is not a number.
	ErrGeoWidthNotNumber = newError("ERR need numeric width")
	// ErrGeoHeightNotNumber: a box height is not a number.
	ErrGeoHeightNotNumber = newError("ERR need numeric height")
	// ErrGeoRadiusNegative: a radius is negative.
	ErrGeoRadiusNegative = newError("ERR radius cannot be negative")
	// ErrGeoBoxNegative: a box width or height is negative.
	ErrGeoBoxNegative = newError("ERR height or width cannot be negative")
	// ErrGeoCount: a search's COUNT is zero or negative.
	ErrGeoCount = newError("ERR COUNT must be > 0")
	// ErrGeoMember: the member a search starts from is not in the set.
	ErrGeoMember = newError("ERR could not decode requested zset member")
	// ErrGeoAnyNeedsCount: ANY was given without COUNT.
	ErrGeoAnyNeedsCount = newError("ERR the ANY argument requires COUNT argument")
	// ErrGeoRadiusStoreWith: GEORADIUS's STORE or STOREDIST came with
	// WITHDIST, WITHHASH or WITHCOORD.
	ErrGeoRadiusStoreWith = newError("ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
	// ErrGeoSearchStoreWith: GEOSEARCHSTORE came with WITHDIST, WITHHASH or
	// WITHCOORD.
	ErrGeoSearchStoreWith = newError("ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
	// ErrGeoFrom: a search has neither FROMMEMBER nor FROMLONLAT. The text
	// names the command.
	ErrGeoFrom = newError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified")
	// ErrGeoBy: a search has neither BYRADIUS nor BYBOX. The text names the
	// command.
	ErrGeoBy = newError("ERR exactly one of BYRADIUS and BYBOX can be specified")
)

// Errors of the stream commands.
var (
	// ErrStreamID: an argument is not a valid stream ID.
	ErrStreamID = newError("ERR Invalid stream ID specified as stream command argument")
	// ErrStreamIDTooSmall: XADD's ID is not greater than the stream's last ID.
	ErrStreamIDTooSmall = newError("ERR The ID specified in XADD is equal or smaller than the target stream top item")
	// ErrStreamIDZero: XADD's ID is 0-0.
	ErrStreamIDZero = newError("ERR The ID specified in XADD must be greater than 0-0")
	// ErrStreamExhausted: the stream's last ID is the largest possible.
	ErrStreamExhausted = newError("ERR The stream has exhausted the last possible ID, unable to add more items")
	// ErrStreamMaxLenNegative: MAXLEN is negative.
	ErrStreamMaxLenNegative = newError("ERR The MAXLEN argument must be >= 0.")
	// ErrStreamLimitNegative: LIMIT is negative.
	ErrStreamLimitNegative = newError("ERR The LIMIT argument must be >= 0.")
	// ErrStreamMaxLenAndMinID: both MAXLEN and MINID were given.
	ErrStreamMaxLenAndMinID = newError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
	// ErrStreamLimitNoStrategy: LIMIT without MAXLEN or MINID.
	ErrStreamLimitNoStrategy = newError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
	// ErrStreamLimitNoApprox: LIMIT without ~.
	ErrStreamLimitNoApprox = newError("ERR syntax error, LIMIT cannot be used without the special ~ option")
	// ErrXTrimNoStrategy: XTRIM without MAXLEN or MINID.
	ErrXTrimNoStrategy = newError("ERR syntax error, XTRIM must be called with a trimming strategy")
	// ErrStreamInvalidStart: an exclusive start bound past the largest ID.
	ErrStreamInvalidStart = newError("ERR invalid start ID for the interval")
	// ErrStreamInvalidEnd: an exclusive end bound below 0-1.
	ErrStreamInvalidEnd = newError("ERR invalid end ID for the interval")
	// ErrXReadUnbalanced: XREAD's STREAMS has not as many IDs as keys.
	ErrXReadUnbalanced = newError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
	// ErrXReadGroupOption: GROUP given to XREAD.
	ErrXReadGroupOption = newError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
	// ErrXReadNoAck: NOACK given to XREAD.
	ErrXReadNoAck = newError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
	// ErrXReadGreaterID: the ID > given to XREAD.
	ErrXReadGreaterID = newError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
	// ErrXReadBlockInScript: XREAD BLOCK inside a script (the text names
	// the command as it was called).
	ErrXReadBlockInScript = newError("ERR xread command is not allowed with BLOCK option from scripts")
	// ErrTimeoutNotInteger: a timeout in milliseconds is not an integer.
	ErrTimeoutNotInteger = newError("ERR timeout is not an integer or out of range")
	// ErrXSetIDEntriesAdded: ENTRIESADDED is negative.
	ErrXSetIDEntriesAdded = newError("ERR entries_added must be positive")
	// ErrXSetIDBelowGivenMaxDeleted: XSETID's ID is below its MAXDELETEDID.
	ErrXSetIDBelowGivenMaxDeleted = newError("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
	// ErrXSetIDBelowTop: XSETID's ID is below the stream's last entry.
	ErrXSetIDBelowTop = newError("ERR The ID specified in XSETID is smaller than the target stream top item")
	// ErrXSetIDEntriesBelowLength: ENTRIESADDED is below the stream length.
	ErrXSetIDEntriesBelowLength = newError("ERR The entries_added specified in XSETID is smaller than the target stream length")
)

// Errors of the list commands.
var (
	// ErrIndexOutOfRange: LSET got an index outside the list.
	ErrIndexOutOfRange = newError("ERR index out of range")
	// ErrLPosRank: LPOS got RANK 0.
	ErrLPosRank = newError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
	// ErrLPosCount: LPOS's COUNT is negative or not an integer.
	ErrLPosCount = newError("ERR COUNT can't be negative")
	// ErrLPosMaxLen: LPOS's MAXLEN is negative or not an integer.
	ErrLPosMaxLen = newError("ERR MAXLEN can't be negative")
)

// Errors of the set commands.
var (
	// ErrNumKeys: a numkeys argument (SINTERCARD, ...) is not a positive
	// integer.
	ErrNumKeys = newError("ERR numkeys should be greater than 0")
	// ErrNumKeysArgs: numkeys says more keys than the command has arguments.
	ErrNumKeysArgs = newError("ERR Number of keys can't be greater than number of args")
	// ErrLimitNegative: a LIMIT (SINTERCARD, ...) is negative or not an
	// integer.
	ErrLimitNegative = newError("ERR LIMIT can't be negative")
)

// Errors of the sorted set commands.
var (
	// ErrZAddXXNX: ZADD got both XX and NX.
	ErrZAddXXNX = newError("ERR XX and NX options at the same time are not compatible")
	// ErrZAddGTLTNX: ZADD got two of GT, LT and NX.
	ErrZAddGTLTNX = newError("ERR GT, LT, and/or NX options at the same time are not compatible")
	// ErrZAddIncrPair: ZADD INCR got more than one score-member pair.
	ErrZAddIncrPair = newError("ERR INCR option supports a single increment-element pair")
	// ErrZScoreNaN: an increment would make a score NaN (inf + -inf).
	ErrZScoreNaN = newError("ERR resulting score is not a number (NaN)")
	// ErrZMinMaxNotFloat: a score range bound is not a number.
	ErrZMinMaxNotFloat = newError("ERR min or max is not a float")
	// ErrZLexRange: a lexicographic range bound does not start with '[' or
	// '(' and is not "-" or "+".
	ErrZLexRange = newError("ERR min or max not valid string range item")
	// ErrZRangeLimit: ZRANGE got LIMIT without BYSCORE or BYLEX.
	ErrZRangeLimit = newError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
	// ErrZRangeLexScores: ZRANGE got WITHSCORES with BYLEX.
	ErrZRangeLexScores = newError("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
	// ErrZWeight: a WEIGHTS value is not a number.
	ErrZWeight = newError("ERR weight value is not a float")
	// ErrZNoKeys: ZUNION, ZINTER, ZDIFF and their STORE forms got numkeys
	// below 1. Its text names the command: "ERR at least 1 input key is
	// needed for 'zunionstore' command".
	ErrZNoKeys = newError("ERR at least 1 input key is needed")
	// ErrCountPositive: a COUNT (ZMPOP, LMPOP, ...) is below 1.
	ErrCountPositive = newError("ERR count should be greater than 0")
	// ErrTimeoutNotFloat: a blocking command's timeout is not a number.
	ErrTimeoutNotFloat = newError("ERR timeout is not a float or out of range")
	// ErrTimeoutNegative: a blocking command's timeout is negative (or too
	// large to be a number of milliseconds).
	ErrTimeoutNegative = newError("ERR timeout is negative")
)

// Errors of SORT.
var (
	// ErrSortNotFloat: SORT without ALPHA met an element (or BY value) that
	// is not a number.
	ErrSortNotFloat = newError("ERR One or more scores can't be converted into double")
)

// Errors of scripting.
var (
	// ErrNoScript: EVALSHA of a script that is not in the cache.
	ErrNoScript = newError("NOSCRIPT No matching script. Please use EVAL.")
	// ErrNumKeysTooMany: numkeys exceeds the number of arguments.
	ErrNumKeysTooMany = ErrNumKeysArgs
	// ErrNumKeysNegative: numkeys is negative.
	ErrNumKeysNegative = newError("ERR Number of keys can't be negative")
	// ErrScriptWriteFlag: EVAL_RO of a script with a shebang that lacks
	// no-writes.
	ErrScriptWriteFlag = newError("ERR Can not execute a script with write flag using *_ro command.")
	// ErrNotBusy: SCRIPT KILL with no script running.
	ErrNotBusy = newError("NOTBUSY No scripts in execution right now.")
	// ErrUnkillable: SCRIPT KILL of a script that has written.
	ErrUnkillable = newError("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")
	// ErrScript matches every error a script raised or met at run time
	// (its text ends with " script: <sha>, on @user_script:<line>."), as well
	// as the sentinel of the error itself: a WRONGTYPE met by redis.call is
	// both ErrScript and ErrWrongType.
	ErrScript = &Error{msg: "ERR script error"}
	// ErrScriptCompile: a script that does not compile.
	ErrScriptCompile = &Error{msg: "ERR Error compiling script"}
	// ErrScriptFlushOption: SCRIPT FLUSH got something other than SYNC or
	// ASYNC.
	ErrScriptFlushOption = newError("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
)

// Errors of functions.
var (
	// ErrFunctionNotFound: FCALL of a function no library registered.
	ErrFunctionNotFound = newError("ERR Function not found")
	// ErrLibraryNotFound: FUNCTION DELETE of a library that is not loaded.
	ErrLibraryNotFound = newError("ERR Library not found")
	// ErrBadNumKeys: FCALL's numkeys is not an integer.
	ErrBadNumKeys = newError("ERR Bad number of keys provided")
	// ErrFunctionFlushOption: FUNCTION FLUSH got something other than SYNC
	// or ASYNC.
	ErrFunctionFlushOption = newError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
	// ErrFunctionPayload: FUNCTION RESTORE of a corrupt payload.
	ErrFunctionPayload = newError("ERR DUMP payload version or checksum are wrong")
	// ErrRestorePolicy: FUNCTION RESTORE got a policy other than FLUSH,
	// APPEND or REPLACE.
	ErrRestorePolicy = newError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
	// ErrBusyFunction: SCRIPT KILL while a function, not a script, runs.
	ErrBusyFunction = newError("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.")
	// ErrBusyScript: FUNCTION KILL while a script, not a function, runs.
	ErrBusyScript = newError("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")
	// ErrFunctionLoad matches every error FUNCTION LOAD (and FunctionLoad)
	// reports for bad code: metadata, names, compile and registration
	// errors. The error's text is Redis's.
	ErrFunctionLoad = &Error{msg: "ERR function load error"}
)

// Errors of the connection commands (HELLO, AUTH, CLIENT).
var (
	// ErrNoProto: HELLO asked for a protocol version other than 2 or 3.
	ErrNoProto = newError("NOPROTO unsupported protocol version")
	// ErrProtoVersion: HELLO's protocol version is not an integer.
	ErrProtoVersion = newError("ERR Protocol version is not an integer or out of range")
	// ErrHelloSyntax: HELLO met an option it does not know, or one without
	// its arguments; the text names the option.
	ErrHelloSyntax = newError("ERR Syntax error in HELLO option")
	// ErrWrongPass: AUTH or HELLO AUTH gave a wrong user or password.
	ErrWrongPass = newError("WRONGPASS invalid username-password pair or user is disabled.")
	// ErrNoAuth: a connection ran a command before AUTH on a Store made
	// WithPassword.
	ErrNoAuth = newError("NOAUTH Authentication required.")
	// ErrHelloNoAuth: HELLO without AUTH on a connection that has not
	// authenticated.
	ErrHelloNoAuth = newError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
	// ErrAuthNoPassword: AUTH <password> on a Store that has no password.
	ErrAuthNoPassword = newError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
	// ErrClientName: a client name with spaces, newlines or other bytes
	// outside '!'..'~'.
	ErrClientName = newError("ERR Client names cannot contain spaces, newlines or special characters.")
)

// The script layer's refusals of redis.call, as Redis words them.
const (
	scriptErrUnknown  = "ERR Unknown Redis command called from script"
	scriptErrArity    = "ERR Wrong number of args calling Redis command from script"
	scriptErrNoScript = "ERR This Redis command is not allowed from script"
	scriptErrReadOnly = "ERR Write commands are not allowed from read-only scripts."
)

// Errors of the Go API that have no Redis counterpart.
var (
	// ErrClosed: the Store was closed.
	ErrClosed = newError("ERR the store is closed")
	// ErrTxDone: a Tx was used after its function returned.
	ErrTxDone = newError("ERR the transaction has ended")
	// ErrTxReadOnly: a write inside View.
	ErrTxReadOnly = newError("ERR write commands are not allowed in a read-only transaction")
)

func arityError(name string) *Error {
	return errorf(ErrWrongArity, "ERR wrong number of arguments for '%s' command", name)
}
