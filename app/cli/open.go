package cli

import (
	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/store"
)

type openMode int

const (
	readOnly openMode = iota
	readWrite
	createIfMissing
)

// open opens the archive the command works on.
func (env *Env) open(mode openMode) (*archive.Archive, error) {
	dir := archive.Locate(env.Archive)
	opt := archive.Options{Create: mode == createIfMissing, Store: store.Config{ReadOnly: mode == readOnly}}
	return archive.Open(dir, opt)
}
