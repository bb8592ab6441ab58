package portal

import (
	"slices"
	"strings"
	"testing"
)

func TestLocalPaths(t *testing.T) {
	got, err := localPaths([]string{"file:///home/ana/a+b%20c.pdf", "file:///tmp/a.keller", "file://localhost/x/%E5%8C%97%E4%BA%AC.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/home/ana/a+b c.pdf", "/tmp/a.keller", "/x/北京.txt"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, bad := range []string{"https://example.org/a.pdf", "file://otherhost/a", "file:///a%00b", "%zz", "file:"} {
		if p, err := localPaths([]string{bad}); err == nil {
			t.Errorf("%q accepted as %q", bad, p)
		}
	}
}

func FuzzLocalPaths(f *testing.F) {
	f.Add("file:///tmp/a+b%20c")
	f.Add("file://localhost/%00")
	f.Fuzz(func(t *testing.T, s string) {
		paths, err := localPaths([]string{s})
		if err != nil {
			return
		}
		if len(paths) != 1 || !strings.HasPrefix(paths[0], "/") || strings.ContainsRune(paths[0], 0) {
			t.Errorf("%q gave %q", s, paths)
		}
	})
}
