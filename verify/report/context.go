package report

import (
	"os"
	"runtime/debug"
	"time"
)

// Context is what a report says of the check itself: when it ran, by
// which Custody, on which machine's clock. The time is the claim of that
// machine's clock, not a proof: a report says so.
type Context struct {
	At      time.Time `json:"at"`      // when the check finished, UTC
	Tool    string    `json:"tool"`    // "Custody v1.2.0 (commit 1a2b3c4d5e6f)"
	Machine string    `json:"machine"` // the host name of the machine whose clock gave At
	Zone    string    `json:"zone"`    // that machine's time zone: "CET (UTC+01:00)"
}

// Version is the release this binary was built as; the build sets it
// with -ldflags "-X github.com/custody-app/custody/verify/report.Version=v1.2.0".
// Empty, the module version and commit recorded in the build are used.
var Version string

// Tool names this build of Custody: its version and, when the build
// recorded it, its commit.
func Tool() string {
	v, commit, dirty := Version, "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "development build (no version stamped)"
	}
	s := "Custody " + v
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if dirty {
			commit += ", with uncommitted changes"
		}
		s += " (commit " + commit + ")"
	}
	return s
}

// Here is the context of a check that finishes now on this machine.
func Here() Context {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	now := time.Now()
	name, _ := now.Zone()
	return Context{At: now.UTC().Truncate(time.Second), Tool: Tool(), Machine: host, Zone: name + " (UTC" + now.Format("-07:00") + ")"}
}

// When is the context's time as a report prints it: UTC, and the same
// moment on the machine's own clock.
func (c Context) When() string {
	if c.At.IsZero() {
		return ""
	}
	return c.At.UTC().Format("2006-01-02 15:04:05 UTC")
}

// Clock says whose clock gave the time, in words.
func (c Context) Clock() string {
	return "by the clock of the machine " + c.Machine + " (time zone " + c.Zone + "); a machine's clock is a claim, not a proof"
}
