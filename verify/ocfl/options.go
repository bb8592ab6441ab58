package ocfl

import (
	"github.com/custody-app/custody/archive/progress"
)

// Options tune validation. The zero value is ready to use.
type Options struct {
	// Workers is how many content files are hashed at once; 0 means one
	// per CPU.
	Workers int
	// Progress, if set, is called a few times a second while content
	// files are hashed, and once more when validation ends (Done set).
	Progress progress.Func
	// Subject names what was checked in the report (a path).
	Subject string
	// MaxInventoryBytes caps the size of one inventory.json (default
	// 64 MiB, enough for some 180,000 files); a larger one is not read.
	MaxInventoryBytes int64
	// MaxValues caps the JSON values in one inventory (default 4,000,000).
	MaxValues int
	// MaxFiles caps the files in one object's content (default 1,000,000)
	// and the folders a storage root's walk visits; MaxDepth caps folder
	// depth (default 64).
	MaxFiles, MaxDepth int
}

func (o *Options) defaults() {
	if o.MaxInventoryBytes <= 0 {
		o.MaxInventoryBytes = 64 << 20
	}
	if o.MaxValues <= 0 {
		o.MaxValues = 4_000_000
	}
	if o.MaxFiles <= 0 {
		o.MaxFiles = 1_000_000
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = 64
	}
}
