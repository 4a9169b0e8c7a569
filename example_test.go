package racefree_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/racefree/racefree"
)

func Example() {
	s, err := racefree.New()
	if err != nil {
		panic(err)
	}
	defer s.Close()

	s.Set("greeting", "hello", 0)
	v, ok, _ := s.Get("greeting")
	fmt.Println(v, ok)

	_, ok, _ = s.Get("missing")
	fmt.Println(ok)
	// Output:
	// hello true
	// false
}

func ExampleStore_Do() {
	s, _ := racefree.New()
	defer s.Close()

	n, _ := s.Do("INCRBY", "counter", 10)
	fmt.Printf("%T %v\n", n, n)

	_, err := s.Do("INCR", "counter", "extra")
	fmt.Println(err)
	fmt.Println(errors.Is(err, racefree.ErrWrongArity))
	// Output:
	// int64 10
	// ERR wrong number of arguments for 'incr' command
	// true
}

func ExampleStore_Update() {
	s, _ := racefree.New()
	defer s.Close()
	s.MSet("alice", "100", "bob", "0")

	err := s.Update(func(tx *racefree.Tx) error {
		if _, err := tx.DecrBy("alice", 30); err != nil {
			return err
		}
		_, err := tx.IncrBy("bob", 30)
		return err
	})
	fmt.Println(err)
	v, _ := s.MGet("alice", "bob")
	fmt.Println(*v[0], *v[1])
	// Output:
	// <nil>
	// 70 30
}

func ExampleStore_FastForward() {
	s, _ := racefree.New()
	defer s.Close()

	s.Set("session", "token", 30*time.Second)
	s.FastForward(31 * time.Second)
	_, ok, _ := s.Get("session")
	fmt.Println(ok)
	// Output:
	// false
}

func ExampleStore_DB() {
	s, _ := racefree.New()
	defer s.Close()

	db1 := s.DB(1)
	db1.Set("k", "in db 1", 0)
	_, inZero, _ := s.Get("k")
	v, _, _ := db1.Get("k")
	fmt.Println(inZero, v)
	// Output:
	// false in db 1
}

func ExampleError() {
	s, _ := racefree.New()
	defer s.Close()

	s.HSet("h", "field", "value")
	_, _, err := s.Get("h")
	fmt.Println(err)
	fmt.Println(errors.Is(err, racefree.ErrWrongType))
	// Output:
	// WRONGTYPE Operation against a key holding the wrong kind of value
	// true
}
