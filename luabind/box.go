package luabind

import (
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// Numbers without an allocation each. A Lua number is a float64 behind an
// interface, so pushing one (a command's integer reply, tonumber's result)
// allocates 8 bytes, unless it is one of the small integers boxed once
// below. numberBoxes hands out the others from blocks of 128, the way
// gopher-lua's VM boxes the results of arithmetic: a block lives as long as
// any number in it is referenced.

// boxedSmall holds the numbers 0 to 255, boxed once.
var boxedSmall = func() (t [256]lua.LValue) {
	for i := range t {
		t[i] = lua.LNumber(i)
	}
	return t
}()

const numberBlock = 128

// numberBoxes boxes numbers for one engine. Not safe for concurrent use.
type numberBoxes struct {
	block []float64
}

// eface is the layout of an interface value.
type eface struct {
	tab, data unsafe.Pointer
}

// box returns f as a Lua value.
func (b *numberBoxes) box(f float64) lua.LValue {
	if i := int(f); f >= 0 && f < float64(len(boxedSmall)) && float64(i) == f && !(f == 0 && 1/f < 0) {
		return boxedSmall[i]
	}
	if len(b.block) == cap(b.block) {
		b.block = make([]float64, 0, numberBlock)
	}
	b.block = append(b.block, f)
	v := boxedSmall[0] // an LNumber, for its type word
	(*eface)(unsafe.Pointer(&v)).data = unsafe.Pointer(&b.block[len(b.block)-1])
	return v
}
