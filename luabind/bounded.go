package luabind

import "github.com/yuin/gopher-lua/ast"

// A bounded script body runs straight through: it has no loop, no goto,
// defines no function and names nothing that loads code (loadstring, load,
// _G, through which they can be reached). Every Lua function such a script
// can run is then its own body, each instruction of which runs at most
// once, so it ends after a bounded number of instructions whatever its
// input. Such a run needs no check of its context between instructions,
// which is what makes a one-command script cheap: the check costs more
// than the rest of the VM loop. Redis itself looks at SCRIPT KILL only
// every 100,000 instructions, more than a bounded script of this size
// runs.

// maxBoundedInstructions caps the size of a script counted as bounded, so
// that even a long straight-line script stays below Redis's kill-check
// interval.
const maxBoundedInstructions = 100000

// boundedNames are the globals through which a script reaches code it did
// not define in its body.
var boundedNames = map[string]bool{"loadstring": true, "load": true, "_G": true, "getfenv": true, "setfenv": true}

// boundedStmts reports whether the statements are bounded (see above).
func boundedStmts(stmts []ast.Stmt) bool {
	for _, s := range stmts {
		if !boundedStmt(s) {
			return false
		}
	}
	return true
}

func boundedStmt(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.AssignStmt:
		return boundedExprs(s.Lhs) && boundedExprs(s.Rhs)
	case *ast.LocalAssignStmt:
		return boundedExprs(s.Exprs)
	case *ast.FuncCallStmt:
		return boundedExpr(s.Expr)
	case *ast.DoBlockStmt:
		return boundedStmts(s.Stmts)
	case *ast.IfStmt:
		return boundedExpr(s.Condition) && boundedStmts(s.Then) && boundedStmts(s.Else)
	case *ast.ReturnStmt:
		return boundedExprs(s.Exprs)
	case *ast.BreakStmt, *ast.LabelStmt:
		return true
	}
	// Loops, goto, function definitions and anything unknown.
	return false
}

func boundedExprs(es []ast.Expr) bool {
	for _, e := range es {
		if !boundedExpr(e) {
			return false
		}
	}
	return true
}

func boundedExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case nil:
		return true
	case *ast.TrueExpr, *ast.FalseExpr, *ast.NilExpr, *ast.NumberExpr, *ast.StringExpr, *ast.Comma3Expr:
		return true
	case *ast.IdentExpr:
		return !boundedNames[e.Value]
	case *ast.AttrGetExpr:
		return boundedExpr(e.Object) && boundedExpr(e.Key)
	case *ast.TableExpr:
		for _, f := range e.Fields {
			if !boundedExpr(f.Key) || !boundedExpr(f.Value) {
				return false
			}
		}
		return true
	case *ast.FuncCallExpr:
		return boundedExpr(e.Func) && boundedExpr(e.Receiver) && boundedExprs(e.Args)
	case *ast.LogicalOpExpr:
		return boundedExpr(e.Lhs) && boundedExpr(e.Rhs)
	case *ast.RelationalOpExpr:
		return boundedExpr(e.Lhs) && boundedExpr(e.Rhs)
	case *ast.StringConcatOpExpr:
		return boundedExpr(e.Lhs) && boundedExpr(e.Rhs)
	case *ast.ArithmeticOpExpr:
		return boundedExpr(e.Lhs) && boundedExpr(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		return boundedExpr(e.Expr)
	case *ast.UnaryNotOpExpr:
		return boundedExpr(e.Expr)
	case *ast.UnaryLenOpExpr:
		return boundedExpr(e.Expr)
	}
	// Function expressions and anything unknown.
	return false
}
