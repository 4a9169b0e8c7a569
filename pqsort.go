package racefree

// pqsort sorts v enough that the elements at positions lo to hi (inclusive)
// are those a full sort would put there: Bentley and McIlroy's quicksort
// that skips the partitions outside that range, as Redis's pqsort does (SORT
// with LIMIT, GEOSEARCH with COUNT). It makes the same comparisons and
// exchanges, so elements that compare equal end up in Redis's order.
func pqsort[T any](v []T, lo, hi int, cmp func(a, b *T) int) {
	pqsortRange(v, 0, len(v), lo, hi, cmp)
}

// pqsortRange sorts the n elements from position a.
func pqsortRange[T any](v []T, a, n, lo, hi int, cmp func(a, b *T) int) {
	less := func(i, j int) int { return cmp(&v[i], &v[j]) }
	swap := func(i, j int) { v[i], v[j] = v[j], v[i] }
	vecswap := func(i, j, k int) {
		for ; k > 0; k-- {
			swap(i, j)
			i++
			j++
		}
	}
	med3 := func(x, y, z int) int {
		if less(x, y) < 0 {
			if less(y, z) < 0 {
				return y
			}
			if less(x, z) < 0 {
				return z
			}
			return x
		}
		if less(y, z) > 0 {
			return y
		}
		if less(x, z) < 0 {
			return x
		}
		return z
	}
	// outside reports whether the range [from, from+k) misses lo..hi.
	outside := func(from, k int) bool {
		return lo < from && hi < from || lo >= from+k && hi >= from+k
	}
	for {
		if n < 7 {
			for pm := a + 1; pm < a+n; pm++ {
				for pl := pm; pl > a && less(pl-1, pl) > 0; pl-- {
					swap(pl, pl-1)
				}
			}
			return
		}
		pm := a + n/2
		if n > 7 {
			pl, pn := a, a+n-1
			if n > 40 {
				d := n / 8
				pl = med3(pl, pl+d, pl+2*d)
				pm = med3(pm-d, pm, pm+d)
				pn = med3(pn-2*d, pn-d, pn)
			}
			pm = med3(pl, pm, pn)
		}
		swap(a, pm)
		pa, pb := a+1, a+1
		pc, pd := a+n-1, a+n-1
		for {
			for pb <= pc {
				r := less(pb, a)
				if r > 0 {
					break
				}
				if r == 0 {
					swap(pa, pb)
					pa++
				}
				pb++
			}
			for pb <= pc {
				r := less(pc, a)
				if r < 0 {
					break
				}
				if r == 0 {
					swap(pc, pd)
					pd--
				}
				pc--
			}
			if pb > pc {
				break
			}
			swap(pb, pc)
			pb++
			pc--
		}
		pn := a + n
		r := min(pa-a, pb-pa)
		vecswap(a, pb-r, r)
		r = min(pd-pc, pn-pd-1)
		vecswap(pb, pn-r, r)
		if r = pb - pa; r > 1 && !outside(a, r) {
			pqsortRange(v, a, r, lo, hi, cmp)
		}
		if r = pd - pc; r > 1 {
			a, n = pn-r, r
			if !outside(a, r) {
				continue
			}
		}
		return
	}
}
