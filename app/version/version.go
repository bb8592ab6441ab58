// Package version tells which build of Custody is running: the release
// version and the commit it was built from. An archivist who reports a
// problem, and anyone checking a package, needs both.
//
// `make build` and `make package` stamp them at link time:
//
//	-ldflags "-X github.com/custody-app/custody/app/version.version=0.1.0
//	          -X github.com/custody-app/custody/app/version.commit=<full hash>"
//
// A plain `go build` in a Git checkout still knows its commit: Go records
// it in the binary (vcs.revision, vcs.modified), and Get reads it there
// when nothing was stamped. Without either, the version is "dev" and the
// commit "unknown".
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set by the linker (-X); empty in an unstamped build.
var (
	version string
	commit  string
)

// Website is where Custody, its documentation and its releases live.
const Website = "https://github.com/custody-app/custody"

// Docs is the documentation's folder on the website.
const Docs = Website + "/tree/main/docs"

// Licence says under which terms Custody is distributed. No licence has
// been chosen yet; this says so rather than guess one.
const Licence = "No licence chosen yet: all rights reserved by the authors until a LICENSE file says otherwise."

// Info is one build's identity.
type Info struct {
	Version  string // "0.1.0", or "dev"
	Commit   string // the full commit hash, or "unknown"
	Modified bool   // built from a checkout with uncommitted changes
	Go       string // the Go release that built it
	Platform string // GOOS/GOARCH
}

// Get returns this build's identity.
func Get() Info {
	i := Info{Version: version, Commit: commit, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		i = fromBuildInfo(i, bi)
	}
	if i.Version == "" {
		i.Version = "dev"
	}
	if i.Commit == "" {
		i.Commit = "unknown"
	}
	return i
}

// fromBuildInfo fills what the linker left empty from what Go recorded.
func fromBuildInfo(i Info, bi *debug.BuildInfo) Info {
	stamped := i.Commit != ""
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if !stamped {
				i.Commit = s.Value
			}
		case "vcs.modified":
			if !stamped {
				i.Modified = s.Value == "true"
			}
		}
	}
	// A module version (go install …@v0.1.0) when nothing was stamped.
	if i.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		i.Version = bi.Main.Version
	}
	return i
}

// Short is the version and the commit's first 12 digits: "0.1.0 (3f2a9c01d4e5)".
func (i Info) Short() string {
	c := i.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	if i.Modified {
		c += ", modified"
	}
	return fmt.Sprintf("%s (%s)", i.Version, c)
}

// String is what `custody version` prints: one line per fact.
func (i Info) String() string {
	m := ""
	if i.Modified {
		m = " (with uncommitted changes)"
	}
	return fmt.Sprintf("custody %s\ncommit %s%s\nbuilt with %s for %s\n", i.Version, i.Commit, m, i.Go, i.Platform)
}
