// Package compat holds compatibility tests of racefree's wire protocol with
// Redis client libraries. It is a module of its own so that the library's
// go.mod does not depend on the clients.
package compat
