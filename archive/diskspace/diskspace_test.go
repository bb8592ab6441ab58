package diskspace

import (
	"errors"
	"strings"
	"testing"
)

func TestRequire(t *testing.T) {
	dir := t.TempDir()
	free, err := Free(dir)
	if err != nil || free == 0 {
		t.Fatalf("free %d, %v", free, err)
	}
	if err := Require(dir, 1); err != nil {
		t.Fatal(err)
	}
	err = Require(dir, free+1<<40)
	var low *ErrLow
	if !errors.As(err, &low) || !strings.HasPrefix(err.Error(), "disk almost full: ") || !strings.Contains(err.Error(), "MB needed") {
		t.Fatalf("%v", err)
	}
}
