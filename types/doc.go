// Package types holds the containers behind racefree's values: hashes now,
// lists, sets and sorted sets later. They are plain data structures with no
// locking and no knowledge of commands or protocols; the racefree package
// owns them and guards them with its store lock. None is safe for
// concurrent use.
package types
