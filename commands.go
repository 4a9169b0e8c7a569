package racefree

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/racefree/racefree/resp"
)

// command is one entry of the command table: what COMMAND INFO reports for it
// in Redis 7.0 (name, arity, flags, key positions) and the handler that runs
// it. Container commands (OBJECT, ...) have no handler of their own; their
// subcommands do.
type command struct {
	name     string // lower case; "object|encoding" for a subcommand
	arity    int    // Redis convention: N exactly N arguments, -N at least N, the name included
	flags    cmdFlag
	firstKey int // position of the first key argument, 0 if none
	lastKey  int // position of the last key; negative counts from the end
	step     int // distance between keys
	run      func(c *call)
	subs     []*command

	subByName cmdIndex // built from subs

	stat cmdStatInfo // what INFO's statistics need to know of it (stats.go)
}

// cmdFlag is a command flag, as COMMAND INFO lists them.
type cmdFlag uint32

const (
	flagWrite cmdFlag = 1 << iota
	flagReadonly
	flagDenyoom
	flagAdmin
	flagPubsub
	flagNoscript
	flagBlocking
	flagLoading
	flagStale
	flagSkipMonitor
	flagSkipSlowlog
	flagAsking
	flagFast
	flagNoAuth
	flagMayReplicate
	flagNoMandatoryKeys
	flagNoAsyncLoading
	flagNoMulti
	flagMovablekeys
	flagAllowBusy
)

// flagNames is the order COMMAND INFO lists flags in.
var flagNames = []struct {
	flag cmdFlag
	name string
}{
	{flagWrite, "write"}, {flagReadonly, "readonly"}, {flagDenyoom, "denyoom"},
	{flagAdmin, "admin"}, {flagPubsub, "pubsub"}, {flagNoscript, "noscript"},
	{flagBlocking, "blocking"}, {flagLoading, "loading"}, {flagStale, "stale"},
	{flagSkipMonitor, "skip_monitor"}, {flagSkipSlowlog, "skip_slowlog"},
	{flagAsking, "asking"}, {flagFast, "fast"}, {flagNoAuth, "no_auth"},
	{flagMayReplicate, "may_replicate"}, {flagNoMandatoryKeys, "no_mandatory_keys"},
	{flagNoAsyncLoading, "no_async_loading"}, {flagNoMulti, "no_multi"},
	{flagMovablekeys, "movablekeys"}, {flagAllowBusy, "allow_busy"},
}

// commandList is the command table. Its metadata is what redis-server 7.0.15
// reports in COMMAND INFO; TestCommandTableMatchesRedis keeps it so. Some
// families keep their entries in their own file.
var commandList = slices.Concat(coreCommands, hllCommands, geoCommands, streamCommands,
	txCommands, pubsubCommands, connCommands, dumpCommands)

// coreCommands are the entries of the families that have no list of their
// own.
var coreCommands = []*command{
	{name: "del", arity: -2, flags: flagWrite, firstKey: 1, lastKey: -1, step: 1, run: cmdDel},
	{name: "unlink", arity: -2, flags: flagWrite | flagFast, firstKey: 1, lastKey: -1, step: 1, run: cmdUnlink},
	{name: "exists", arity: -2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: -1, step: 1, run: cmdExists},
	{name: "type", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdType},
	{name: "rename", arity: 3, flags: flagWrite, firstKey: 1, lastKey: 2, step: 1, run: cmdRename},
	{name: "renamenx", arity: 3, flags: flagWrite | flagFast, firstKey: 1, lastKey: 2, step: 1, run: cmdRenameNX},
	{name: "copy", arity: -3, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 2, step: 1, run: cmdCopy},
	{name: "keys", arity: 2, flags: flagReadonly, firstKey: 0, lastKey: 0, step: 0, run: cmdKeys},
	{name: "scan", arity: -2, flags: flagReadonly, firstKey: 0, lastKey: 0, step: 0, run: cmdScan},
	{name: "randomkey", arity: 1, flags: flagReadonly, firstKey: 0, lastKey: 0, step: 0, run: cmdRandomKey},
	{name: "touch", arity: -2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: -1, step: 1, run: cmdTouch},
	{name: "object", arity: -2, flags: 0, firstKey: 0, lastKey: 0, step: 0, run: nil, subs: []*command{
		{name: "object|encoding", arity: 3, flags: flagReadonly, firstKey: 2, lastKey: 2, step: 1, run: cmdObjectEncoding},
		{name: "object|freq", arity: 3, flags: flagReadonly, firstKey: 2, lastKey: 2, step: 1, run: cmdObjectFreq},
		{name: "object|help", arity: 2, flags: flagLoading | flagStale, firstKey: 0, lastKey: 0, step: 0, run: cmdObjectHelp},
		{name: "object|idletime", arity: 3, flags: flagReadonly, firstKey: 2, lastKey: 2, step: 1, run: cmdObjectIdletime},
		{name: "object|refcount", arity: 3, flags: flagReadonly, firstKey: 2, lastKey: 2, step: 1, run: cmdObjectRefcount},
	}},
	{name: "move", arity: 3, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdMove},
	{name: "expire", arity: -3, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdExpire},
	{name: "pexpire", arity: -3, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdPExpire},
	{name: "expireat", arity: -3, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdExpireAt},
	{name: "pexpireat", arity: -3, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdPExpireAt},
	{name: "ttl", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdTTL},
	{name: "pttl", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdPTTL},
	{name: "expiretime", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdExpireTime},
	{name: "pexpiretime", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdPExpireTime},
	{name: "persist", arity: 2, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdPersist},
	{name: "get", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdGet},
	{name: "set", arity: -3, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 1, step: 1, run: cmdSet},
	{name: "setnx", arity: 3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdSetNX},
	{name: "setex", arity: 4, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 1, step: 1, run: cmdSetEX},
	{name: "psetex", arity: 4, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 1, step: 1, run: cmdPSetEX},
	{name: "getset", arity: 3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdGetSet},
	{name: "getdel", arity: 2, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdGetDel},
	{name: "getex", arity: -2, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdGetEX},
	{name: "mget", arity: -2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: -1, step: 1, run: cmdMGet},
	{name: "mset", arity: -3, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: -1, step: 2, run: cmdMSet},
	{name: "msetnx", arity: -3, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: -1, step: 2, run: cmdMSetNX},
	{name: "incr", arity: 2, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdIncr},
	{name: "incrby", arity: 3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdIncrBy},
	{name: "incrbyfloat", arity: 3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdIncrByFloat},
	{name: "decr", arity: 2, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdDecr},
	{name: "decrby", arity: 3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdDecrBy},
	{name: "append", arity: 3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdAppend},
	{name: "strlen", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdStrLen},
	{name: "getrange", arity: 4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdGetRange},
	{name: "substr", arity: 4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdSubstr},
	{name: "setrange", arity: 4, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 1, step: 1, run: cmdSetRange},
	{name: "lcs", arity: -3, flags: flagReadonly, firstKey: 1, lastKey: 2, step: 1, run: cmdLCS},
	{name: "setbit", arity: 4, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 1, step: 1, run: cmdSetBit},
	{name: "getbit", arity: 3, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdGetBit},
	{name: "bitcount", arity: -2, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdBitCount},
	{name: "bitpos", arity: -3, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdBitPos},
	{name: "bitop", arity: -4, flags: flagWrite | flagDenyoom, firstKey: 2, lastKey: -1, step: 1, run: cmdBitOp},
	{name: "bitfield", arity: -2, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 1, step: 1, run: cmdBitfield},
	{name: "bitfield_ro", arity: -2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdBitfieldRO},
	{name: "hset", arity: -4, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdHSet},
	{name: "hsetnx", arity: 4, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdHSetNX},
	{name: "hget", arity: 3, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdHGet},
	{name: "hmget", arity: -3, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdHMGet},
	{name: "hmset", arity: -4, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdHMSet},
	{name: "hgetall", arity: 2, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdHGetAll},
	{name: "hdel", arity: -3, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdHDel},
	{name: "hexists", arity: 3, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdHExists},
	{name: "hincrby", arity: 4, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdHIncrBy},
	{name: "hincrbyfloat", arity: 4, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdHIncrByFloat},
	{name: "hkeys", arity: 2, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdHKeys},
	{name: "hvals", arity: 2, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdHVals},
	{name: "hlen", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdHLen},
	{name: "hstrlen", arity: 3, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdHStrLen},
	{name: "hrandfield", arity: -2, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdHRandField},
	{name: "hscan", arity: -3, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdHScan},
	{name: "hello", arity: -1, flags: flagNoscript | flagLoading | flagStale | flagFast | flagNoAuth | flagAllowBusy, firstKey: 0, lastKey: 0, step: 0, run: cmdHello},
	{name: "auth", arity: -2, flags: flagNoscript | flagLoading | flagStale | flagFast | flagNoAuth | flagAllowBusy, firstKey: 0, lastKey: 0, step: 0, run: cmdAuth},
	{name: "quit", arity: -1, flags: flagNoscript | flagLoading | flagStale | flagFast | flagNoAuth | flagAllowBusy, firstKey: 0, lastKey: 0, step: 0, run: cmdQuit},
	{name: "reset", arity: 1, flags: flagNoscript | flagLoading | flagStale | flagFast | flagNoAuth | flagAllowBusy, firstKey: 0, lastKey: 0, step: 0, run: cmdReset},
	{name: "ping", arity: -1, flags: flagFast, firstKey: 0, lastKey: 0, step: 0, run: cmdPing},
	{name: "echo", arity: 2, flags: flagLoading | flagStale | flagFast, firstKey: 0, lastKey: 0, step: 0, run: cmdEcho},
	{name: "time", arity: 1, flags: flagLoading | flagStale | flagFast, firstKey: 0, lastKey: 0, step: 0, run: cmdTime},
	{name: "dbsize", arity: 1, flags: flagReadonly | flagFast, firstKey: 0, lastKey: 0, step: 0, run: cmdDBSize},
	{name: "flushdb", arity: -1, flags: flagWrite, firstKey: 0, lastKey: 0, step: 0, run: cmdFlushDB},
	{name: "flushall", arity: -1, flags: flagWrite, firstKey: 0, lastKey: 0, step: 0, run: cmdFlushAll},
	{name: "select", arity: 2, flags: flagLoading | flagStale | flagFast, firstKey: 0, lastKey: 0, step: 0, run: cmdSelect},
	{name: "swapdb", arity: 3, flags: flagWrite | flagFast, firstKey: 0, lastKey: 0, step: 0, run: cmdSwapDB},
	{name: "lpush", arity: -3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdLPush},
	{name: "rpush", arity: -3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdRPush},
	{name: "lpushx", arity: -3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdLPushX},
	{name: "rpushx", arity: -3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdRPushX},
	{name: "lpop", arity: -2, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdLPop},
	{name: "rpop", arity: -2, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdRPop},
	{name: "lrange", arity: 4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdLRange},
	{name: "lindex", arity: 3, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdLIndex},
	{name: "linsert", arity: 5, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 1, step: 1, run: cmdLInsert},
	{name: "llen", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdLLen},
	{name: "lmove", arity: 5, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 2, step: 1, run: cmdLMove},
	{name: "rpoplpush", arity: 3, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 2, step: 1, run: cmdRPopLPush},
	{name: "lpos", arity: -3, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdLPos},
	{name: "lrem", arity: 4, flags: flagWrite, firstKey: 1, lastKey: 1, step: 1, run: cmdLRem},
	{name: "lset", arity: 4, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 1, step: 1, run: cmdLSet},
	{name: "ltrim", arity: 4, flags: flagWrite, firstKey: 1, lastKey: 1, step: 1, run: cmdLTrim},
	{name: "lmpop", arity: -4, flags: flagWrite | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdLMPop},
	{name: "blpop", arity: -3, flags: flagWrite | flagNoscript | flagBlocking, firstKey: 1, lastKey: -2, step: 1, run: cmdBLPop},
	{name: "brpop", arity: -3, flags: flagWrite | flagNoscript | flagBlocking, firstKey: 1, lastKey: -2, step: 1, run: cmdBRPop},
	{name: "blmove", arity: 6, flags: flagWrite | flagDenyoom | flagNoscript | flagBlocking, firstKey: 1, lastKey: 2, step: 1, run: cmdBLMove},
	{name: "brpoplpush", arity: 4, flags: flagWrite | flagDenyoom | flagNoscript | flagBlocking, firstKey: 1, lastKey: 2, step: 1, run: cmdBRPopLPush},
	{name: "blmpop", arity: -5, flags: flagWrite | flagBlocking | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdBLMPop},
	{name: "sadd", arity: -3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdSAdd},
	{name: "srem", arity: -3, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdSRem},
	{name: "scard", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdSCard},
	{name: "sismember", arity: 3, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdSIsMember},
	{name: "smismember", arity: -3, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdSMIsMember},
	{name: "smembers", arity: 2, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdSMembers},
	{name: "spop", arity: -2, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdSPop},
	{name: "srandmember", arity: -2, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdSRandMember},
	{name: "smove", arity: 4, flags: flagWrite | flagFast, firstKey: 1, lastKey: 2, step: 1, run: cmdSMove},
	{name: "sinter", arity: -2, flags: flagReadonly, firstKey: 1, lastKey: -1, step: 1, run: cmdSInter},
	{name: "sintercard", arity: -3, flags: flagReadonly | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdSInterCard},
	{name: "sinterstore", arity: -3, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: -1, step: 1, run: cmdSInterStore},
	{name: "sunion", arity: -2, flags: flagReadonly, firstKey: 1, lastKey: -1, step: 1, run: cmdSUnion},
	{name: "sunionstore", arity: -3, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: -1, step: 1, run: cmdSUnionStore},
	{name: "sdiff", arity: -2, flags: flagReadonly, firstKey: 1, lastKey: -1, step: 1, run: cmdSDiff},
	{name: "sdiffstore", arity: -3, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: -1, step: 1, run: cmdSDiffStore},
	{name: "sscan", arity: -3, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdSScan},
	{name: "zadd", arity: -4, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZAdd},
	{name: "zincrby", arity: 4, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZIncrBy},
	{name: "zrem", arity: -3, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZRem},
	{name: "zscore", arity: 3, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZScore},
	{name: "zmscore", arity: -3, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZMScore},
	{name: "zcard", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZCard},
	{name: "zcount", arity: 4, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZCount},
	{name: "zlexcount", arity: 4, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZLexCount},
	{name: "zrank", arity: 3, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZRank},
	{name: "zrevrank", arity: 3, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZRevRank},
	{name: "zrange", arity: -4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdZRange},
	{name: "zrangestore", arity: -5, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 2, step: 1, run: cmdZRangeStore},
	{name: "zrangebyscore", arity: -4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdZRangeByScore},
	{name: "zrevrangebyscore", arity: -4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdZRevRangeByScore},
	{name: "zrangebylex", arity: -4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdZRangeByLex},
	{name: "zrevrangebylex", arity: -4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdZRevRangeByLex},
	{name: "zrevrange", arity: -4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdZRevRange},
	{name: "zremrangebyscore", arity: 4, flags: flagWrite, firstKey: 1, lastKey: 1, step: 1, run: cmdZRemRangeByScore},
	{name: "zremrangebyrank", arity: 4, flags: flagWrite, firstKey: 1, lastKey: 1, step: 1, run: cmdZRemRangeByRank},
	{name: "zremrangebylex", arity: 4, flags: flagWrite, firstKey: 1, lastKey: 1, step: 1, run: cmdZRemRangeByLex},
	{name: "zpopmin", arity: -2, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZPopMin},
	{name: "zpopmax", arity: -2, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdZPopMax},
	{name: "zmpop", arity: -4, flags: flagWrite | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdZMPop},
	{name: "zrandmember", arity: -2, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdZRandMember},
	{name: "zunion", arity: -3, flags: flagReadonly | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdZUnion},
	{name: "zinter", arity: -3, flags: flagReadonly | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdZInter},
	{name: "zdiff", arity: -3, flags: flagReadonly | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdZDiff},
	{name: "zunionstore", arity: -4, flags: flagWrite | flagDenyoom | flagMovablekeys, firstKey: 1, lastKey: 1, step: 1, run: cmdZUnionStore},
	{name: "zinterstore", arity: -4, flags: flagWrite | flagDenyoom | flagMovablekeys, firstKey: 1, lastKey: 1, step: 1, run: cmdZInterStore},
	{name: "zdiffstore", arity: -4, flags: flagWrite | flagDenyoom | flagMovablekeys, firstKey: 1, lastKey: 1, step: 1, run: cmdZDiffStore},
	{name: "zintercard", arity: -3, flags: flagReadonly | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdZInterCard},
	{name: "zscan", arity: -3, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdZScan},
	{name: "bzpopmin", arity: -3, flags: flagWrite | flagNoscript | flagBlocking | flagFast, firstKey: 1, lastKey: -2, step: 1, run: cmdBZPopMin},
	{name: "bzpopmax", arity: -3, flags: flagWrite | flagNoscript | flagBlocking | flagFast, firstKey: 1, lastKey: -2, step: 1, run: cmdBZPopMax},
	{name: "bzmpop", arity: -5, flags: flagWrite | flagBlocking | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdBZMPop},
	{name: "sort", arity: -2, flags: flagWrite | flagDenyoom | flagMovablekeys, firstKey: 1, lastKey: 1, step: 1, run: cmdSort},
	{name: "sort_ro", arity: -2, flags: flagReadonly | flagMovablekeys, firstKey: 1, lastKey: 1, step: 1, run: cmdSortRO},
	{name: "eval", arity: -3, flags: flagNoscript | flagStale | flagSkipMonitor | flagNoMandatoryKeys | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdEval},
	{name: "evalsha", arity: -3, flags: flagNoscript | flagStale | flagSkipMonitor | flagNoMandatoryKeys | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdEvalSHA},
	{name: "eval_ro", arity: -3, flags: flagReadonly | flagNoscript | flagStale | flagSkipMonitor | flagNoMandatoryKeys | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdEvalRO},
	{name: "evalsha_ro", arity: -3, flags: flagReadonly | flagNoscript | flagStale | flagSkipMonitor | flagNoMandatoryKeys | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdEvalSHARO},
	{name: "script", arity: -2, flags: 0, firstKey: 0, lastKey: 0, step: 0, run: nil, subs: []*command{
		{name: "script|debug", arity: 3, flags: flagNoscript, firstKey: 0, lastKey: 0, step: 0, run: cmdScriptDebug},
		{name: "script|exists", arity: -3, flags: flagNoscript, firstKey: 0, lastKey: 0, step: 0, run: cmdScriptExists},
		{name: "script|flush", arity: -2, flags: flagNoscript, firstKey: 0, lastKey: 0, step: 0, run: cmdScriptFlush},
		{name: "script|help", arity: 2, flags: flagLoading | flagStale, firstKey: 0, lastKey: 0, step: 0, run: cmdScriptHelp},
		{name: "script|kill", arity: 2, flags: flagNoscript | flagAllowBusy, firstKey: 0, lastKey: 0, step: 0, run: cmdScriptKill},
		{name: "script|load", arity: 3, flags: flagNoscript | flagStale, firstKey: 0, lastKey: 0, step: 0, run: cmdScriptLoad},
	}},
	{name: "fcall", arity: -3, flags: flagNoscript | flagStale | flagSkipMonitor | flagNoMandatoryKeys | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdFCall},
	{name: "fcall_ro", arity: -3, flags: flagReadonly | flagNoscript | flagStale | flagSkipMonitor | flagNoMandatoryKeys | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdFCallRO},
	{name: "function", arity: -2, flags: 0, firstKey: 0, lastKey: 0, step: 0, run: nil, subs: []*command{
		{name: "function|delete", arity: 3, flags: flagWrite | flagNoscript, firstKey: 0, lastKey: 0, step: 0, run: cmdFunctionDelete},
		{name: "function|dump", arity: 2, flags: flagNoscript, firstKey: 0, lastKey: 0, step: 0, run: cmdFunctionDump},
		{name: "function|flush", arity: -2, flags: flagWrite | flagNoscript, firstKey: 0, lastKey: 0, step: 0, run: cmdFunctionFlush},
		{name: "function|help", arity: 2, flags: flagLoading | flagStale, firstKey: 0, lastKey: 0, step: 0, run: cmdFunctionHelp},
		{name: "function|kill", arity: 2, flags: flagNoscript | flagAllowBusy, firstKey: 0, lastKey: 0, step: 0, run: cmdFunctionKill},
		{name: "function|list", arity: -2, flags: flagNoscript, firstKey: 0, lastKey: 0, step: 0, run: cmdFunctionList},
		{name: "function|load", arity: -3, flags: flagWrite | flagDenyoom | flagNoscript, firstKey: 0, lastKey: 0, step: 0, run: cmdFunctionLoad},
		{name: "function|restore", arity: -3, flags: flagWrite | flagDenyoom | flagNoscript, firstKey: 0, lastKey: 0, step: 0, run: cmdFunctionRestore},
		{name: "function|stats", arity: 2, flags: flagNoscript | flagAllowBusy, firstKey: 0, lastKey: 0, step: 0, run: cmdFunctionStats},
	}},
}

// commands finds table entries by name in any case.
var commands cmdIndex

func init() {
	commands = newCmdIndex(commandList)
	for _, cmd := range commandList {
		if cmd.subs != nil {
			cmd.subByName = newCmdIndex(cmd.subs)
		}
	}
}

// cmdIndex is an open-addressing hash table of commands keyed by name with
// ASCII case folded, so that a lookup hashes the name once and allocates
// nothing, whatever case the client sends.
type cmdIndex struct {
	slots []*command
	names []string // the name each slot is found by: "get", or "encoding" for "object|encoding"
	mask  uint32
}

func newCmdIndex(list []*command) cmdIndex {
	size := 16
	for size < 4*len(list) {
		size *= 2
	}
	x := cmdIndex{slots: make([]*command, size), names: make([]string, size), mask: uint32(size - 1)}
	for _, cmd := range list {
		name := cmd.name
		if _, sub, ok := strings.Cut(name, "|"); ok {
			name = sub
		}
		i := foldHash(name) & x.mask
		for x.slots[i] != nil {
			i = (i + 1) & x.mask
		}
		x.slots[i], x.names[i] = cmd, name
	}
	return x
}

// foldHash is FNV-1a over the name with ASCII letters lower-cased.
func foldHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

// lookup finds a command by name in any case, or returns nil.
func (x *cmdIndex) lookup(name string) *command {
	if len(x.slots) == 0 {
		return nil
	}
	for i := foldHash(name) & x.mask; x.slots[i] != nil; i = (i + 1) & x.mask {
		if equalFoldASCII(x.names[i], name) {
			return x.slots[i]
		}
	}
	return nil
}

// equalFoldASCII reports whether lower (all lower case) equals s with ASCII
// letters folded.
func equalFoldASCII(lower, s string) bool {
	if len(lower) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// call is the context of one command: its arguments, the database it runs
// on, and the writer its reply goes to. Calls are reused through the Store's
// free list; everything in one runs under the store lock.
type call struct {
	s    *Store
	db   *db      // the selected database; SELECT changes it
	args []string // the command name first, as sent
	w    resp.Writer
	err  error    // the error value behind a top-level error reply, for Do
	tx   *txState // the transaction the call runs in, if any
	// inScript: the call comes from redis.call; blocking commands answer
	// at once.
	inScript bool
	ctx      context.Context // the caller's context, if it has one
	conn     *Conn           // the client connection running the call; nil for Do, the typed API and scripts

	// A blocking command that found nothing to take registers a waiter
	// (canBlock says whether it may: not inside a transaction or script)
	// and sets blocked; the caller of exec then waits outside the lock.
	// The waiter's serve function writes the reply when it is served;
	// otherwise timedOut writes the reply for a timeout.
	blocked  *waiter
	timeout  time.Duration
	timedOut func()

	argBuf []string
	reply  anyWriter // Do's reply
	// known is the command of args[0] when the caller has looked it up
	// (Do, through names); exec then does not.
	known *command
	names nameCache
}

// getCall takes a call context from the free list. The caller holds s.mu.
func (s *Store) getCall() *call {
	if n := len(s.calls); n > 0 {
		c := s.calls[n-1]
		s.calls = s.calls[:n-1]
		return c
	}
	return &call{s: s}
}

// putCall returns c to the free list. The caller holds s.mu.
func (s *Store) putCall(c *call) {
	c.db, c.args, c.w, c.err, c.tx, c.inScript, c.ctx = nil, nil, nil, nil, nil, false, nil
	c.blocked, c.timeout, c.timedOut = nil, 0, nil
	clear(c.argBuf)
	c.reply.reset()
	c.known = nil
	s.calls = append(s.calls, c)
}

// exec runs the command in c.args: it finds the command, checks its arity and
// whether it may run here, and calls its handler, which writes the reply.
func (s *Store) exec(c *call) {
	if len(c.args) == 0 {
		c.fail(errorf(ErrUnknownCommand, "ERR unknown command '', with args beginning with: "))
		return
	}
	cmd := c.known
	if c.known = nil; cmd == nil {
		cmd = commands.lookup(c.args[0])
	}
	if cmd == nil {
		c.fail(unknownCommandError(c.args))
		return
	}
	if cmd.subs != nil && len(c.args) >= 2 {
		sub := cmd.subByName.lookup(c.args[1])
		if sub == nil {
			c.fail(errorf(ErrUnknownSubcommand, "ERR unknown subcommand '%.128s'. Try %s HELP.",
				oneLine(cString(c.args[1])), strings.ToUpper(cString(c.args[0]))))
			return
		}
		cmd = sub
	}
	if c.conn != nil {
		c.conn.info.cmd = cmd // CLIENT LIST's cmd=
	}
	if n := len(c.args); cmd.arity > 0 && n != cmd.arity || n < -cmd.arity {
		s.rejected(cmd) // INFO commandstats (stats.go)
		c.fail(arityError(cmd.name))
		return
	}
	if cmd.flags&flagWrite != 0 && c.tx != nil && c.tx.readOnly {
		c.fail(ErrTxReadOnly)
		return
	}
	if s.ps.hooks != 0 {
		s.beforeCommand(c, cmd)
	}
	outer := s.notify.call
	s.notify.call = c    // its keyspace notifications precede its reply (notify.go)
	s.runCommand(c, cmd) // cmd.run(c), counted for INFO (stats.go)
	s.notify.call = outer
	if s.ps.hooks != 0 {
		s.afterCommand(c, cmd)
	}
}

// unknownCommandError is Redis's reply to a name no command has: the name and
// the first arguments, quoted, up to 128 bytes of them.
func unknownCommandError(args []string) *Error {
	var b strings.Builder
	for _, a := range args[1:] {
		if b.Len() >= 128 {
			break
		}
		n := 128 - b.Len()
		b.WriteByte('\'')
		b.WriteString(truncate(cString(a), n))
		b.WriteString("' ")
	}
	return errorf(ErrUnknownCommand, "ERR unknown command '%.128s', with args beginning with: %s",
		oneLine(cString(args[0])), oneLine(b.String()))
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:max(n, 0)]
	}
	return s
}

// cString is s as C's "%s" prints it: up to its first NUL byte. Redis
// builds many error texts that way from arguments.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// oneLine replaces CR and LF with spaces, as Redis does in error replies so
// that they stay one line.
func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	}
	return s
}

// canBlock reports whether a blocking command may wait here: not inside a
// transaction or a script, where it answers at once as inside MULTI.
func (c *call) canBlock() bool { return c.tx == nil && !c.inScript }

// block makes the call wait for w, at most timeout (0: for ever), after the
// lock is released. It registers w. timedOut writes the reply if w is not
// served in time.
func (c *call) block(w *waiter, timeout time.Duration, timedOut func()) {
	c.s.block(w)
	c.blocked, c.timeout, c.timedOut = w, timeout, timedOut
}

// fail writes err as the reply.
func (c *call) fail(err error) {
	if c.err == nil {
		c.err = err
	}
	msg := replyText(err)
	c.s.countError(msg) // INFO errorstats (stats.go)
	c.w.Error(msg)
}

// ok writes the status reply OK.
func (c *call) ok() { c.w.Status("OK") }

// bulkOrNil writes v, or the nil bulk string when !found.
func (c *call) bulkOrNil(v string, found bool) {
	if !found {
		c.w.NullBulk()
		return
	}
	c.w.Bulk(v)
}

// replyInt writes n, or err if there is one.
func (c *call) replyInt(n int64, err error) {
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Int(n)
}

// bool writes 1 or 0.
func (c *call) bool(b bool) {
	if b {
		c.w.Int(1)
	} else {
		c.w.Int(0)
	}
}
