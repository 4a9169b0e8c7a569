package luabind

import "testing"

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{"a": true, "A_9": true, "": false, "a-b": false, "a.b": false, "é": false} {
		if got := ValidName(name); got != want {
			t.Errorf("ValidName(%q) = %v", name, got)
		}
	}
}

func TestParseLibraryMeta(t *testing.T) {
	for code, want := range map[string]string{
		"x":                     "ERR Missing library metadata",
		"#!lua name=a":          "ERR Invalid library metadata",
		"#!lua\nx":              "ERR Library name was not given",
		"#!lua x=1 name=a\nx":   "ERR Invalid metadata value given: x=1",
		"#!lua name=a name=b\n": "ERR Invalid metadata value, name argument was given multiple times",
		"#!py name=a\n":         "ERR Engine 'py' not found",
		"#!lua name=a-b\n":      errLibraryName,
		"#!LUA NAME=ok\n":       "",
	} {
		_, body, err := parseLibraryMeta(code)
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", code, err)
		case want == "" && body != "\n":
			t.Errorf("%q: body %q", code, body)
		case want != "" && (err == nil || err.Error() != want):
			t.Errorf("%q: got %v, want %s", code, err, want)
		}
	}
}

func TestRegisterFunctionFlags(t *testing.T) {
	e := New()
	f := e.Functions()
	name, err := f.Load("#!lua name=l\nredis.register_function{function_name='f', callback=function() end, flags={'NO-WRITES', 'allow-stale'}}", false)
	if err != nil || name != "l" {
		t.Fatal(name, err)
	}
	fn := f.Lookup("F")
	if fn == nil || fn.Flags&FlagNoWrites == 0 || fn.Flags&FlagAllowStale == 0 {
		t.Fatalf("%+v", fn)
	}
	if got := FlagNames(fn.Flags); len(got) != 2 || got[0] != "no-writes" || got[1] != "allow-stale" {
		t.Fatal(got)
	}
	if libs, funcs := f.Counts(); libs != 1 || funcs != 1 {
		t.Fatal(libs, funcs)
	}
	e.Flush()
	if f.Lookup("f") == nil {
		t.Fatal("functions must survive the EVAL engine's Flush")
	}
	f.Flush()
	if f.Lookup("f") != nil {
		t.Fatal("Flush keeps functions")
	}
}
