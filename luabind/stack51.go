package luabind

import (
	"strconv"
	"strings"
)

// l51OverflowWhere reads the chunk and line of a "stack overflow" error
// ("ERR user_script:3: stack overflow"): gopher-lua raises it on a full call
// stack, where the error handler that notes the position for Redis's
// " script: ..." suffix cannot run. It returns "", 0 for other messages.
func l51OverflowWhere(msg string) (source string, line int) {
	rest, ok := strings.CutSuffix(strings.TrimPrefix(msg, "ERR "), ": stack overflow")
	if !ok {
		return "", 0
	}
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return "", 0
	}
	n, err := strconv.Atoi(rest[i+1:])
	if err != nil || n <= 0 {
		return "", 0
	}
	return rest[:i], n
}
