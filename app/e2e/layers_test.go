package e2e

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// The module's own import path, and the store the walls keep inside the
// archive.
const (
	module = "github.com/custody-app/custody"
	badger = "github.com/dgraph-io/badger"
	fyne   = "fyne.io/fyne"
)

// listed is what `go list -json` says of one package.
type listed struct {
	ImportPath   string
	Imports      []string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

// listPackages runs go list on the module's packages.
func listPackages(t *testing.T, args ...string) []listed {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-tags", "migrated_fynedo", "-json"}, args...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listed
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func rel(path string) string { return strings.TrimPrefix(path, module+"/") }

func hasPrefix(list []string, prefix string) string {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return s
		}
	}
	return ""
}

// TestLayers enforces the walls docs/architecture.md draws: imports run
// app → verify → archive (tests included), only the archive and its own
// log checks reach Badger, what a recipient runs links no store, nothing
// below app/ links Fyne, and keys derive with x/crypto.
func TestLayers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	// The archive's own log check, and the checks built on it, may read
	// the store they check.
	storeChecks := map[string]bool{"verify/logcheck": true, "verify/archivecheck": true, "verify/fixity": true, "verify/history": true, "verify/remotecheck": true}
	for _, p := range listPackages(t, "./...") {
		name := rel(p.ImportPath)
		all := append(append(append([]string{}, p.Imports...), p.TestImports...), p.XTestImports...)
		layer := strings.SplitN(name, "/", 2)[0]
		switch layer {
		case "archive":
			if up := hasPrefix(all, module+"/verify"); up != "" {
				t.Errorf("%s imports %s: archive/ must not import verify/", name, rel(up))
			}
			if up := hasPrefix(all, module+"/app"); up != "" {
				t.Errorf("%s imports %s: archive/ must not import app/", name, rel(up))
			}
		case "verify":
			if up := hasPrefix(all, module+"/app"); up != "" {
				t.Errorf("%s imports %s: verify/ must not import app/", name, rel(up))
			}
			if dep := hasPrefix(p.Deps, badger); dep != "" && !storeChecks[name] {
				t.Errorf("%s links %s: only the archive's own store checks may", name, dep)
			}
		case "app":
			if imp := hasPrefix(all, badger); imp != "" {
				t.Errorf("%s imports %s: the front ends reach the store through archive.Archive", name, imp)
			}
		}
		if layer == "archive" || layer == "verify" {
			if dep := hasPrefix(p.Deps, fyne); dep != "" {
				t.Errorf("%s links %s: only app/ may", name, dep)
			}
		}
	}
	keys := listPackages(t, module+"/archive/keys")
	if len(keys) != 1 || hasPrefix(keys[0].Imports, "golang.org/x/crypto/scrypt") == "" && hasPrefix(keys[0].Imports, "golang.org/x/crypto/argon2") == "" {
		t.Errorf("archive/keys does not take its key derivation from golang.org/x/crypto")
	}
}
