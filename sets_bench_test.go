package racefree

import (
	"strconv"
	"testing"
)

// Benchmarks of the set commands and SORT, on an intset and on a
// hashtable set. Compare runs with benchstat.

// benchSet fills key with n members: integers when ints, strings otherwise.
func benchSet(b *testing.B, s *Store, key string, n int, ints bool) []string {
	b.Helper()
	members := make([]string, n)
	for i := range members {
		if ints {
			members[i] = strconv.Itoa(i * 3)
		} else {
			members[i] = "member:" + strconv.Itoa(i)
		}
	}
	if _, err := s.SAdd(key, members...); err != nil {
		b.Fatal(err)
	}
	return members
}

func BenchmarkSAddExisting(b *testing.B) {
	for _, ints := range []bool{true, false} {
		name := "hashtable"
		if ints {
			name = "intset"
		}
		b.Run(name, func(b *testing.B) {
			s := benchStore(b)
			members := benchSet(b, s, "s", 256, ints)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s.SAdd("s", members[i%len(members)])
				i++
			}
		})
	}
}

func BenchmarkSAddRemove(b *testing.B) {
	s := benchStore(b)
	benchSet(b, s, "s", 1000, false)
	b.ReportAllocs()
	for b.Loop() {
		s.SAdd("s", "new")
		s.SRem("s", "new")
	}
}

func BenchmarkSIsMember(b *testing.B) {
	for _, ints := range []bool{true, false} {
		name := "hashtable"
		if ints {
			name = "intset"
		}
		b.Run(name, func(b *testing.B) {
			s := benchStore(b)
			members := benchSet(b, s, "s", 500, ints)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if ok, _ := s.SIsMember("s", members[i%len(members)]); !ok {
					b.Fatal("missing")
				}
				i++
			}
		})
	}
}

func BenchmarkDoSIsMember(b *testing.B) {
	s := benchStore(b)
	benchSet(b, s, "s", 500, false)
	b.ReportAllocs()
	for b.Loop() {
		if v, _ := s.Do("SISMEMBER", "s", "member:7"); v != int64(1) {
			b.Fatal("missing")
		}
	}
}

func BenchmarkSMembers(b *testing.B) {
	s := benchStore(b)
	benchSet(b, s, "s", 100, false)
	b.ReportAllocs()
	for b.Loop() {
		s.SMembers("s")
	}
}

func BenchmarkSPopSAdd(b *testing.B) {
	s := benchStore(b)
	benchSet(b, s, "s", 1000, false)
	b.ReportAllocs()
	for b.Loop() {
		m, _, _ := s.SPop("s")
		s.SAdd("s", m)
	}
}

func BenchmarkSInter(b *testing.B) {
	s := benchStore(b)
	benchSet(b, s, "a", 1000, false)
	benchSet(b, s, "b", 100, false)
	b.ReportAllocs()
	for b.Loop() {
		s.SInter("a", "b")
	}
}

func BenchmarkSort(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			s := benchStore(b)
			members := make([]string, n)
			for i := range members {
				members[i] = strconv.Itoa((i * 7919) % 100003)
			}
			if _, err := s.SAdd("s", append(members, "x")...); err != nil {
				b.Fatal(err)
			}
			s.SRem("s", "x")
			b.ReportAllocs()
			for b.Loop() {
				s.Sort("s", SortArgs{})
			}
		})
	}
}

func BenchmarkSortByLimit(b *testing.B) {
	s := benchStore(b)
	members := benchSet(b, s, "s", 1000, true)
	for _, m := range members {
		s.Set("w_"+m, strconv.Itoa(len(m)), 0)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Sort("s", SortArgs{By: "w_*", Offset: 10, Count: 10})
	}
}
