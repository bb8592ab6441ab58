package cli

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestHelpOrderFollowsDocs checks that help lists every command once, in
// the order docs/cli.md describes them (its "### `custody NAME" headings).
func TestHelpOrderFollowsDocs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	heading := regexp.MustCompile("`custody ([a-z-]+)")
	for line := range strings.Lines(string(doc)) {
		if !strings.HasPrefix(line, "### ") {
			continue
		}
		for _, m := range heading.FindAllStringSubmatch(line, -1) {
			if !slices.Contains(want, m[1]) {
				want = append(want, m[1])
			}
		}
	}

	out, _, code := run(t, t.TempDir(), "help")
	if code != ExitOK {
		t.Fatalf("help exits %d", code)
	}
	var got []string
	listed := regexp.MustCompile(`^  ([a-z-]+) +\S`)
	for line := range strings.Lines(out) {
		if m := listed.FindStringSubmatch(line); m != nil {
			got = append(got, m[1])
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("help lists the commands as\n %v\ndocs/cli.md as\n %v", got, want)
	}
}
