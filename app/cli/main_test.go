package cli

import (
	"os"
	"testing"

	"github.com/custody-app/custody/archive/remote/seaweedtest"
)

// TestMain keeps the tests from depending on the shell they run in: a
// CUSTODY_PASSPHRASE or CUSTODY_ARCHIVE exported there (as when someone
// has just run scripts/bench by hand) would otherwise create the tests'
// archives under another passphrase, and the tests that set the variable
// themselves would then see "wrong passphrase".
func TestMain(m *testing.M) {
	os.Unsetenv("CUSTODY_PASSPHRASE")
	os.Unsetenv("CUSTODY_ARCHIVE")
	code := m.Run()
	seaweedtest.Stop()
	os.Exit(code)
}
