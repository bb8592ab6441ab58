package archive

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func TestSuffixed(t *testing.T) {
	long := strings.Repeat("é", 125) + "x.pdf" // 255 bytes
	for _, tc := range []struct {
		rel  string
		n    int
		want string
	}{
		{"a/b.txt", 1, "a/b.txt"},
		{"a/b.txt", 2, "a/b (2).txt"},
		{"noext", 3, "noext (3)"},
		{".hidden", 2, ".hidden (2)"},
		{"a.tar.gz", 2, "a.tar (2).gz"},
		{"x." + strings.Repeat("e", 20), 2, "x." + strings.Repeat("e", 20) + " (2)"},
		{"d/" + long, 2, "d/" + strings.Repeat("é", 123) + " (2).pdf"},
	} {
		got := suffixed(tc.rel, tc.n)
		if got != tc.want {
			t.Errorf("suffixed(%q, %d) = %q, want %q", tc.rel, tc.n, got, tc.want)
		}
		if el := got[strings.LastIndexByte(got, '/')+1:]; len(el) > 255 {
			t.Errorf("%q is %d bytes", el, len(el))
		}
	}
}

// TestExportCopyErrors: the copy's error says which side failed.
func TestExportCopyErrors(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	disk := errors.New("disk on fire")
	_, err = io.Copy(writeTo{f, "a/b.txt"}, readFrom{iotest.ErrReader(disk)})
	if !errors.Is(err, disk) || err.Error() != "could not read it from the archive: disk on fire" {
		t.Errorf("read failure: %v", err)
	}
	f.Close()
	_, err = io.Copy(writeTo{f, "a/b.txt"}, readFrom{strings.NewReader("bytes")})
	if !errors.Is(err, os.ErrClosed) || !strings.HasPrefix(err.Error(), "could not write a/b.txt: ") {
		t.Errorf("write failure: %v", err)
	}
}
