package provenance

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestRefilter: what goes on to the next hop is what was received and is
// chosen, never more; about documents that do not go, nothing.
func TestRefilter(t *testing.T) {
	a, b := strings.Repeat("a", 64), strings.Repeat("b", 64)
	recv := &Event{V: 2, Type: Receive, Time: "2026-01-02T03:04:05Z", Actor: "x", Salt: base64.StdEncoding.EncodeToString(make([]byte, 32)), Bundle: "bundle-1",
		Origin: "o", Checkpoint: "cp", Docs: []string{a, b}, Names: []string{"a.txt", "b.txt"}, Note: "handed over"}
	leaf, err := recv.Seal()
	if err != nil {
		t.Fatal(err)
	}
	all, err := recv.Openings(OpenAll)
	if err != nil {
		t.Fatal(err)
	}
	onlyA := func(d string) bool { return d == a }
	got, err := Choices{}.Refilter(leaf, all, onlyA)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, o := range got {
		fields = append(fields, o.Field+":"+o.Value)
	}
	want := "bundle:bundle-1 origin:o checkpoint:cp docs:" + a + " names:a.txt"
	if strings.Join(fields, " ") != want {
		t.Errorf("kept %v, want %s", fields, want)
	}
	// The note only when chosen, and only if it was received.
	got, _ = Choices{Notes: true}.Refilter(leaf, all, onlyA)
	if got[len(got)-1].Value != "handed over" {
		t.Errorf("a chosen note was dropped: %+v", got)
	}
	got, _ = Choices{Notes: true}.Refilter(leaf, all[:3], onlyA)
	for _, o := range got {
		if o.Field == "note" || o.Field == "docs" {
			t.Errorf("passed on %s, which was not received", o.Field)
		}
	}
	// Openings that do not match the leaf are refused.
	bad := append([]Opening(nil), all...)
	bad[0].Value = "other"
	if _, err := (Choices{}).Refilter(leaf, bad, onlyA); err == nil {
		t.Error("an altered opening was passed on")
	}
}
