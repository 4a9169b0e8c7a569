package racefree

// cmdable carries the typed API. Store, DB and Tx embed it, so every typed
// method is written once: it calls begin, which takes the store lock unless a
// transaction already holds it, runs the one implementation of the command on
// the chosen database, and calls end.
type cmdable struct {
	s  *Store
	db int
	tx *txState // nil outside a transaction
}

type txState struct {
	done     bool // the transaction's function has returned
	readOnly bool // View: writes are refused
}

// begin takes the lock (outside a transaction) and returns the handle's
// database. write says whether the caller may change the store. Every
// successful begin must be followed by end.
func (c *cmdable) begin(write bool) (*db, error) {
	if c.tx != nil {
		switch {
		case c.tx.done:
			return nil, ErrTxDone
		case write && c.tx.readOnly:
			return nil, ErrTxReadOnly
		case c.db < 0 || c.db >= len(c.s.dbs):
			return nil, ErrDBIndex
		}
		c.s.stat.lookups = !write // reads count keyspace hits and misses (stats.go)
		return c.s.dbs[c.db], nil
	}
	c.s.mu.Lock()
	switch {
	case c.s.closed:
		c.s.mu.Unlock()
		return nil, ErrClosed
	case c.db < 0 || c.db >= len(c.s.dbs):
		c.s.mu.Unlock()
		return nil, ErrDBIndex
	}
	c.s.touchClock()
	c.s.stat.lookups = !write // reads count keyspace hits and misses (stats.go)
	return c.s.dbs[c.db], nil
}

// end releases what begin took, first serving the callers blocked on keys
// that the command filled.
func (c *cmdable) end() {
	if c.tx == nil {
		c.s.unlock()
	}
}

// Tx is the typed API inside Update or View: every call runs under the lock
// the transaction holds, so the whole function is atomic. A Tx is valid only
// until its function returns and, like the function, must not be shared with
// other goroutines.
type Tx struct{ cmdable }

// DB returns a Tx for database n within the same transaction.
func (tx *Tx) DB(n int) *Tx { return &Tx{cmdable{s: tx.s, db: n, tx: tx.tx}} }

// Update runs fn atomically on database 0: no other caller sees the store
// between fn's first and last call, and the clock stands still for keys'
// deadlines while it runs, as in a Lua script. The error fn returns is
// returned.
//
// Unlike a bbolt transaction, nothing is rolled back: writes made before fn
// returns an error stay, exactly as with a script that fails half-way. fn must
// not call methods of the Store itself (only of tx): that would deadlock.
func (s *Store) Update(fn func(tx *Tx) error) error { return s.runTx(fn, false) }

// View is Update for functions that only read: any write through tx fails
// with ErrTxReadOnly.
func (s *Store) View(fn func(tx *Tx) error) error { return s.runTx(fn, true) }

func (s *Store) runTx(fn func(tx *Tx) error, readOnly bool) error {
	s.mu.Lock()
	defer s.unlock()
	if s.closed {
		return ErrClosed
	}
	if s.freeze() {
		defer s.thaw()
	}
	st := &txState{readOnly: readOnly}
	defer func() { st.done = true }()
	return fn(&Tx{cmdable{s: s, tx: st}})
}
