package racefree

// matchGlob reports whether s matches the glob-style pattern as KEYS, SCAN
// MATCH and the other MATCH options read it: * matches any run, ? one byte,
// [abc], [^abc] and [a-z] a set (a range may be written backwards), and \
// quotes the next byte. An unterminated [ takes the rest of the pattern as
// its set.
func matchGlob(pattern, s string) bool {
	giveUp := false
	return globFrom(pattern, s, &giveUp)
}

// globFrom matches pattern against s. giveUp is set when a star has tried
// every suffix of s in vain: then a star further left cannot succeed either,
// which keeps patterns like "a*a*a*a*b" from taking exponential time.
func globFrom(p, s string, giveUp *bool) bool {
	for len(p) > 0 && len(s) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for len(s) > 0 {
				if globFrom(p[1:], s, giveUp) {
					return true
				}
				if *giveUp {
					return false
				}
				s = s[1:]
			}
			*giveUp = true
			return false
		case '?':
			s = s[1:]
		case '[':
			var ok bool
			p, ok = matchSet(p[1:], s[0])
			if !ok {
				return false
			}
			s = s[1:]
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			fallthrough
		default:
			if p[0] != s[0] {
				return false
			}
			s = s[1:]
		}
		p = p[1:]
		if len(s) == 0 {
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
		}
	}
	return len(p) == 0 && len(s) == 0
}

// matchSet matches c against the set that starts at p (just past the '[').
// It returns the pattern from the set's closing ']' (or its last byte, when
// the set is unterminated) and whether c is in the set.
func matchSet(p string, c byte) (string, bool) {
	negate := len(p) > 0 && p[0] == '^'
	if negate {
		p = p[1:]
	}
	match := false
	for {
		switch {
		case len(p) >= 2 && p[0] == '\\':
			p = p[1:]
			if p[0] == c {
				match = true
			}
		case len(p) > 0 && p[0] == ']':
			return p, match != negate
		case len(p) == 0:
			// Unterminated: the caller steps past what it takes to be the
			// closing byte, so hand back an empty pattern plus one byte.
			return "]", match != negate
		case len(p) >= 3 && p[1] == '-':
			lo, hi := p[0], p[2]
			if lo > hi {
				lo, hi = hi, lo
			}
			if c >= lo && c <= hi {
				match = true
			}
			p = p[2:]
		default:
			if p[0] == c {
				match = true
			}
		}
		p = p[1:]
	}
}
