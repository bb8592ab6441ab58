package cli

import (
	"fmt"

	"github.com/custody-app/custody/app/version"
)

// runVersion prints the build's version and commit (what a bug report
// and a package check need); it opens no archive.
func runVersion(env *Env, args []string) error {
	fs := newFlags("version")
	asJSON := fs.Bool("json", false, "print as JSON")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &exitError{ExitFailed, fmt.Errorf("version takes no arguments")}
	}
	i := version.Get()
	if *asJSON {
		writeJSON(env.Stdout, struct {
			Version  string `json:"version"`
			Commit   string `json:"commit"`
			Modified bool   `json:"modified"`
			Go       string `json:"go"`
			Platform string `json:"platform"`
		}{i.Version, i.Commit, i.Modified, i.Go, i.Platform})
		return nil
	}
	fmt.Fprint(env.Stdout, i.String())
	return nil
}
