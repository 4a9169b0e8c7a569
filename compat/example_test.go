package compat_test

import (
	"context"
	"fmt"
	"time"

	redigo "github.com/gomodule/redigo/redis"
	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/server"
)

// go-redis on a Store, with no server and no socket.
func Example_goRedis() {
	s, err := racefree.New()
	if err != nil {
		panic(err)
	}
	defer s.Close()
	rdb := redis.NewClient(&redis.Options{
		Addr:   "127.0.0.1:6379", // ignored by the dialer; an IP avoids a DNS lookup
		Dialer: server.GoRedisDialer(s),
	})
	defer rdb.Close()

	ctx := context.Background()
	rdb.Set(ctx, "greeting", "hello", time.Minute)
	fmt.Println(rdb.Get(ctx, "greeting").Val())
	n, _ := rdb.Eval(ctx, "return redis.call('INCRBY', KEYS[1], ARGV[1])", []string{"n"}, 5).Int()
	fmt.Println(n)
	// The Go API sees the same data.
	v, _, _ := s.Get("greeting")
	fmt.Println(v)
	// Output:
	// hello
	// 5
	// hello
}

// redigo on a Store.
func Example_redigo() {
	s, err := racefree.New()
	if err != nil {
		panic(err)
	}
	defer s.Close()
	c, err := redigo.Dial("tcp", "racefree:6379", redigo.DialContextFunc(server.RedigoDialContext(s)))
	if err != nil {
		panic(err)
	}
	defer c.Close()
	c.Do("HSET", "user:1", "name", "Ada")
	name, _ := redigo.String(c.Do("HGET", "user:1", "name"))
	fmt.Println(name)
	// Output: Ada
}

// rueidis on a Store, with its client-side cache: a write invalidates what
// the client cached.
func Example_rueidis() {
	s, err := racefree.New()
	if err != nil {
		panic(err)
	}
	defer s.Close()
	c, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress:       []string{"racefree:6379"},
		DialCtxFn:         server.RueidisDialer(s),
		ForceSingleClient: true,
	})
	if err != nil {
		panic(err)
	}
	defer c.Close()

	ctx := context.Background()
	c.Do(ctx, c.B().Set().Key("k").Value("1").Build())
	get := func() string {
		v, _ := c.DoCache(ctx, c.B().Get().Key("k").Cache(), time.Minute).ToString()
		return v
	}
	fmt.Println(get(), get())
	s.Set("k", "2", 0) // the Go API invalidates the client's cache too
	// The invalidation reaches the client asynchronously, as from Redis.
	for i := 0; i < 1000 && get() != "2"; i++ {
		time.Sleep(time.Millisecond)
	}
	fmt.Println(get())
	// Output:
	// 1 1
	// 2
}
