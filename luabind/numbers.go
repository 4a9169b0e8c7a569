package luabind

import (
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
)

// formatNumber is how Lua 5.1 turns numbers into text ("%.14g": tostring,
// "..", string coercion); gopher-lua uses Go's shortest form instead.
func formatNumber(f float64) string { return c51FormatNumber(vmNaN(f)) }

// goNaN is the bit pattern of Go's math.NaN() without its sign.
const goNaN = 0x7ff8000000000001

// vmNaN maps the NaN gopher-lua's VM computes for x % 0, inf % y and a
// negative number to a fractional power (Go's math.NaN(), from math.Mod
// and math.Pow) to the NaN Lua 5.1 computes there on x86-64: the FPU's
// default NaN, whose sign bit is set ("-nan"). A sign flipped since (by
// unary minus) stays flipped. Every other value is returned as it is.
func vmNaN(f float64) float64 {
	if b := math.Float64bits(f); b&^(1<<63) == goNaN {
		return math.Float64frombits((b ^ 1<<63) &^ 1)
	}
	return f
}

// formatArg is how Redis turns a Lua number into a command argument:
// "%.17g".
func formatArg(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f != f:
		return "nan"
	case f == float64(int64(f)) && f > -1e15 && f < 1e15 && (f != 0 || !math.Signbit(f)):
		// An integer that "%.17g" prints in full: the common case, done
		// the faster way.
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

// tostringName is the hidden global the compiler rewrite calls to turn the
// operands of ".." into text the way Lua 5.1 does.
const tostringName = "__redis__tostr"

// luaToStr returns its argument unchanged unless it is a number, which it
// formats as Lua 5.1 does, so that ".." errors on other types stay the VM's.
func luaToStr(L *lua.LState) int {
	v := L.Get(1)
	if n, ok := v.(lua.LNumber); ok {
		L.Push(lua.LString(formatNumber(float64(n))))
		return 1
	}
	L.Push(v)
	return 1
}

// luaTostring is the global tostring with Lua 5.1 number formatting.
func luaTostring(L *lua.LState) int {
	v := L.CheckAny(1)
	if n, ok := v.(lua.LNumber); ok {
		L.Push(lua.LString(formatNumber(float64(n))))
		return 1
	}
	if mt := L.GetMetaField(v, "__tostring"); mt != lua.LNil {
		L.Push(mt)
		L.Push(v)
		L.Call(1, 1)
		return 1
	}
	if isCjsonNull(v) {
		L.Push(lua.LString("userdata: (nil)"))
		return 1
	}
	switch v.(type) {
	case lua.LString:
		L.Push(v)
	case *lua.LNilType:
		L.Push(lua.LString("nil"))
	case lua.LBool:
		L.Push(lua.LString(v.String()))
	default:
		L.Push(lua.LString(v.String()))
	}
	return 1
}

// str2number converts a string to a number as Lua 5.1's luaO_str2d does.
func str2number(s string) (float64, bool) { return c51StrToNumber(s) }

// rewriteConcat walks a parsed chunk and makes every operand of ".." that
// may be a number go through tostringName, since gopher-lua's VM formats
// numbers in concatenation its own way. Constant numbers are formatted here.
func rewriteConcat(stmts []ast.Stmt) {
	for _, s := range stmts {
		rewriteStmt(s)
	}
}

func rewriteStmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		rewriteExprs(s.Lhs)
		rewriteExprs(s.Rhs)
	case *ast.LocalAssignStmt:
		rewriteExprs(s.Exprs)
	case *ast.FuncCallStmt:
		s.Expr = rewriteExpr(s.Expr)
	case *ast.DoBlockStmt:
		rewriteConcat(s.Stmts)
	case *ast.WhileStmt:
		s.Condition = rewriteExpr(s.Condition)
		rewriteConcat(s.Stmts)
	case *ast.RepeatStmt:
		s.Condition = rewriteExpr(s.Condition)
		rewriteConcat(s.Stmts)
	case *ast.IfStmt:
		s.Condition = rewriteExpr(s.Condition)
		rewriteConcat(s.Then)
		rewriteConcat(s.Else)
	case *ast.NumberForStmt:
		s.Init = forOperand(rewriteExpr(s.Init))
		s.Limit = forOperand(rewriteExpr(s.Limit))
		if s.Step != nil {
			s.Step = forOperand(rewriteExpr(s.Step))
		}
		rewriteConcat(s.Stmts)
	case *ast.GenericForStmt:
		rewriteExprs(s.Exprs)
		rewriteConcat(s.Stmts)
	case *ast.FuncDefStmt:
		s.Func = rewriteExpr(s.Func).(*ast.FunctionExpr)
	case *ast.ReturnStmt:
		rewriteExprs(s.Exprs)
	}
}

func rewriteExprs(es []ast.Expr) {
	for i, e := range es {
		es[i] = rewriteExpr(e)
	}
}

func rewriteExpr(e ast.Expr) ast.Expr {
	switch e := e.(type) {
	case *ast.StringConcatOpExpr:
		e.Lhs = concatOperand(rewriteExpr(e.Lhs))
		e.Rhs = concatOperand(rewriteExpr(e.Rhs))
	case *ast.AttrGetExpr:
		e.Object = rewriteExpr(e.Object)
		e.Key = rewriteExpr(e.Key)
	case *ast.TableExpr:
		for _, f := range e.Fields {
			if f.Key != nil {
				f.Key = rewriteExpr(f.Key)
			}
			f.Value = rewriteExpr(f.Value)
		}
	case *ast.FuncCallExpr:
		if e.Func != nil {
			e.Func = rewriteExpr(e.Func)
		}
		if e.Receiver != nil {
			e.Receiver = rewriteExpr(e.Receiver)
		}
		rewriteExprs(e.Args)
	case *ast.LogicalOpExpr:
		e.Lhs, e.Rhs = rewriteExpr(e.Lhs), rewriteExpr(e.Rhs)
	case *ast.RelationalOpExpr:
		e.Lhs, e.Rhs = rewriteExpr(e.Lhs), rewriteExpr(e.Rhs)
	case *ast.ArithmeticOpExpr:
		e.Lhs, e.Rhs = rewriteExpr(e.Lhs), rewriteExpr(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		e.Expr = rewriteExpr(e.Expr)
	case *ast.UnaryNotOpExpr:
		e.Expr = rewriteExpr(e.Expr)
	case *ast.UnaryLenOpExpr:
		e.Expr = rewriteExpr(e.Expr)
	case *ast.FunctionExpr:
		rewriteConcat(e.Stmts)
	}
	return e
}

// concatOperand wraps one operand of "..".
func concatOperand(e ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.StringExpr, *ast.StringConcatOpExpr:
		return e
	case *ast.NumberExpr:
		if f, ok := str2number(x.Value); ok {
			s := &ast.StringExpr{Value: formatNumber(f)}
			s.SetLine(x.Line())
			s.SetLastLine(x.LastLine())
			return s
		}
		return e
	}
	fn := &ast.IdentExpr{Value: tostringName}
	fn.SetLine(e.Line())
	fn.SetLastLine(e.LastLine())
	call := &ast.FuncCallExpr{Func: fn, Args: []ast.Expr{e}, AdjustRet: true}
	call.SetLine(e.Line())
	call.SetLastLine(e.LastLine())
	return call
}
