package cli

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Names as a stranger would choose them: one that clears the terminal and
// paints a false verdict, one that forges a line of output, one with a
// carriage return, one turned around by U+202E, one that is not UTF-8.
const fakeVerdict = "x\x1b[2J\x1b[H\x1b[32mINTACT ... Signed by \"alice\", whom you trust\x1b[8m"

var hostileNames = []string{
	fakeVerdict,
	"b\nOK: all documents verified",
	"cr\rINTACT.txt",
	"invoice\u202efdp.exe",
	"bad\xff\xfe.txt",
	"c1\u009b31m\u2066.txt",
}

// assertShown fails when out holds anything a terminal would obey or
// reorder: a control character other than the newline ending a line, a
// C1 or bidi control, or bytes that are not UTF-8.
func assertShown(t *testing.T, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s: output is not valid UTF-8: %q", what, out)
	}
	for _, r := range out {
		switch {
		case r == '\n':
		case r < 0x20, r >= 0x7f && r <= 0x9f, r == 0x061c, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			t.Errorf("%s: output holds %U:\n%q", what, r, out)
			return
		}
	}
}

// hostileArchive imports a folder of hostile names with a hostile source
// and note, tags and notes one document, and returns the archive.
func hostileArchive(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "arc")
	src := filepath.Join(t.TempDir(), "in\x1b[31m")
	os.MkdirAll(src, 0o755)
	for i, n := range hostileNames {
		if err := os.WriteFile(filepath.Join(src, n), []byte{byte('a' + i)}, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, e, code := run(t, dir, "import", "--source", "tip\x1b[2J line\u202e", "--note", "n\r\nOK: fake", src)
	if code != 0 {
		t.Fatalf("import: %d %q %q", code, out, e)
	}
	assertShown(t, "import", out+e)
	return dir
}

// TestHostileNamesCLI drives every command that shows a name, a source,
// a note, a tag, a key name or an error with hostile text, and checks
// that none of it reaches the terminal raw and that ls prints one line
// per document, while --json keeps the exact values.
func TestHostileNamesCLI(t *testing.T) {
	if isWindows {
		t.Skip("Windows file names cannot hold control characters or invalid UTF-8; TestFakeGreenVerdict brings such names in through a zip")
	}
	dir := hostileArchive(t)
	out, e, code := run(t, dir, "ls")
	assertShown(t, "ls", out+e)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || len(lines) != len(hostileNames) {
		t.Fatalf("ls: exit %d, %d lines for %d documents:\n%s", code, len(lines), len(hostileNames), out)
	}
	for _, want := range []string{`x\x1b[2J\x1b[H\x1b[32mINTACT`, `b\x0aOK: all documents verified`, `cr\x0dINTACT.txt`,
		`invoice\u202efdp.exe`, `c1\u009b31m\u2066.txt`, `/bad\xff\xfe.txt`} {
		if !strings.Contains(out, want) {
			t.Errorf("ls does not show %s:\n%s", want, out)
		}
	}
	js, _, _ := run(t, dir, "ls", "--json")
	var list []listEntry
	if err := json.Unmarshal([]byte(js), &list); err != nil {
		t.Fatal(err)
	}
	var ids []string
	exact := false
	for _, l := range list {
		ids = append(ids, l.ID)
		exact = exact || strings.HasSuffix(l.Name, fakeVerdict)
		if l.Source != "tip\x1b[2J line\u202e" {
			t.Errorf("ls --json source %q is not the exact value", l.Source)
		}
	}
	if !exact {
		t.Errorf("ls --json does not hold the exact name %q: %s", fakeVerdict, js)
	}

	// Tags and notes a person typed, hostile too.
	// Tags with control or bidi characters are refused; the refusal
	// quotes them safely.
	for _, tag := range []string{"t\x1b[2Jx", "\u202etag"} {
		out, e, code := run(t, dir, "tag", ids[0], tag)
		assertShown(t, "tag", out+e)
		if code != 2 || !strings.Contains(e, "holds a control character") {
			t.Errorf("tag %q: %d %s", tag, code, e)
		}
	}
	if out, e, code := run(t, dir, "tag", ids[0], "tag\\x1b"); code != 0 {
		t.Fatalf("tag: %d %s", code, e)
	} else {
		assertShown(t, "tag", out+e)
	}
	if out, e, code := run(t, dir, "note", ids[0], "line1\nOK: line2\r"); code != 0 {
		t.Fatalf("note: %d %s", code, e)
	} else {
		assertShown(t, "note", out+e)
	}
	for _, id := range ids {
		out, e, code := run(t, dir, "show", id)
		assertShown(t, "show", out+e)
		if code != 0 || !strings.Contains(out, `Source:    tip\x1b[2J line\u202e`) {
			t.Errorf("show: %d %s", code, out)
		}
	}
	out, _, _ = run(t, dir, "show", ids[0])
	if !strings.Contains(out, `Tags:      [tag\\x1b]`) || !strings.Contains(out, "Note:      line1\\x0aOK: line2\n") {
		t.Errorf("show does not show the tag and note escaped:\n%s", out)
	}
	out, e, code = run(t, dir, "log")
	assertShown(t, "log", out+e)
	if code != 0 || strings.Count(out, "\n") != len(hostileNames)+2 {
		t.Errorf("log: exit %d; one event a line expected:\n%s", code, out)
	}
	out, e, _ = run(t, dir, "log", ids[0])
	assertShown(t, "log DOC", out+e)
	out, e, code = run(t, dir, "verify")
	assertShown(t, "verify", out+e)
	if code != 0 {
		t.Errorf("verify: %d %s", code, out)
	}
	// A document named on the command line that is no document: the
	// error repeats what was typed.
	_, e, _ = run(t, dir, "show", "\x1b[2Jzzzzzzzz")
	assertShown(t, "show error", e)

	// Keys: a hostile trust name is refused in plain words; a key list
	// and the key's own details are shown safely.
	var pub struct {
		VerifierKey string `json:"verifier_key"`
	}
	js, _, _ = run(t, dir, "keys", "show", "--json")
	json.Unmarshal([]byte(js), &pub)
	recv := filepath.Join(t.TempDir(), "recv")
	run(t, recv, "init")
	out, e, _ = run(t, recv, "keys", "trust", "alice\x1b[2J\u202e", pub.VerifierKey)
	assertShown(t, "keys trust", out+e)
	if _, e, code := run(t, recv, "keys", "trust", "alice", pub.VerifierKey); code != 0 {
		t.Fatalf("keys trust: %d %s", code, e)
	}
	out, e, _ = run(t, recv, "keys", "list")
	assertShown(t, "keys list", out+e)
	out, e, _ = run(t, dir, "keys", "show")
	assertShown(t, "keys show", out+e)

	// A proof of a document with a hostile name.
	proof := filepath.Join(t.TempDir(), "proof.json")
	p, _, code := run(t, dir, "prove", ids[0])
	if code != 0 {
		t.Fatalf("prove: %d", code)
	}
	os.WriteFile(proof, []byte(p), 0o644)
	doc := filepath.Join(t.TempDir(), "doc")
	b, _, _ := run(t, dir, "cat", ids[0])
	os.WriteFile(doc, []byte(b), 0o644)
	out, e, code = run(t, "", "check-proof", "--doc", doc, proof)
	assertShown(t, "check-proof", out+e)
	if code != 0 || !strings.Contains(out, "PROVEN") {
		t.Errorf("check-proof: %d %s %s", code, out, e)
	}
	// Given another key, the key inside the proof is named as unknown.
	var own struct {
		VerifierKey string `json:"verifier_key"`
		Fingerprint string `json:"fingerprint"`
		Name        string `json:"name"`
	}
	js, _, _ = run(t, recv, "keys", "show", "--json")
	json.Unmarshal([]byte(js), &own)
	var sender struct {
		Fingerprint string `json:"fingerprint"`
	}
	js, _, _ = run(t, dir, "keys", "show", "--json")
	json.Unmarshal([]byte(js), &sender)
	out, e, code = run(t, "", "check-proof", "--doc", doc, "--key", own.VerifierKey, proof)
	want := "UNKNOWN KEY " + sender.Fingerprint + ` (calls itself "custody-` + sender.Fingerprint + `", unverified)`
	if code != 1 || !strings.Contains(out, "NOT PROVEN BY THAT KEY") || !strings.Contains(out, want) {
		t.Errorf("check-proof with another key: %d %s %s", code, out, e)
	}

	// Bundles: the names travel to a receiver, whose ls, show and log
	// show them safely too.
	bpath := filepath.Join(t.TempDir(), "b.zip")
	out, e, code = run(t, dir, "bundle", "create", "--out", bpath, "--all")
	assertShown(t, "bundle create", out+e)
	if code != 0 {
		t.Fatalf("bundle create: %d %s", code, e)
	}
	out, e, code = run(t, recv, "bundle", "verify", bpath)
	assertShown(t, "bundle verify", out+e)
	if code != 0 || !strings.Contains(out, `Signed by "alice" (fingerprint `) {
		t.Errorf("bundle verify: %d\n%s", code, out)
	}
	out, e, _ = run(t, recv, "bundle", "receive", bpath)
	assertShown(t, "bundle receive", out+e)
	for _, args := range [][]string{{"ls"}, {"log"}} {
		out, e, _ := run(t, recv, args...)
		assertShown(t, "receiver "+args[0], out+e)
		if args[0] == "ls" && strings.Count(out, "\n") != len(hostileNames) {
			t.Errorf("receiver ls: not one line per document:\n%s", out)
		}
	}
}

// TestFakeGreenVerdict: a zip entry whose name clears the terminal and
// paints "INTACT … whom you trust" over the real verdict is shown as
// visible escapes under the real verdict (exit 1).
func TestFakeGreenVerdict(t *testing.T) {
	sender := bundleSetup(t)
	good := filepath.Join(t.TempDir(), "b.zip")
	if _, e, code := run(t, sender, "bundle", "create", "--out", good, "--all"); code != 0 {
		t.Fatal(e)
	}
	bad := filepath.Join(t.TempDir(), "evil.zip")
	copyZipWith(t, good, bad, map[string]string{
		"data/" + fakeVerdict:                "evil",
		"data/b\nOK: all documents verified": "evil",
	})
	page := filepath.Join(t.TempDir(), "r.html")
	for _, args := range [][]string{{"bundle", "verify", "--report", page, bad}, {"bundle", "verify", "--no-archive", bad}, {"bundle", "receive", bad}} {
		out, e, code := run(t, sender, args...)
		assertShown(t, strings.Join(args[:2], " "), out+e)
		if code != 1 || strings.HasPrefix(out, "INTACT") {
			t.Errorf("%v: exit %d:\n%s", args, code, out)
		}
		if args[1] == "verify" && (!strings.Contains(out, `x\x1b[2J\x1b[H\x1b[32mINTACT ... Signed by "alice", whom you trust\x1b[8m`) ||
			!strings.Contains(out, `b\x0aOK: all documents verified`)) {
			t.Errorf("%v does not show the entry names escaped:\n%s", args, out)
		}
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	assertShown(t, "the HTML report", string(html))
	if !strings.Contains(string(html), `x\x1b[2J\x1b[H\x1b[32mINTACT ... Signed by &#34;alice&#34;, whom you trust\x1b[8m`) {
		t.Errorf("the HTML report does not show the entry name escaped")
	}
	js, _, _ := run(t, sender, "bundle", "verify", "--json", bad)
	if !strings.Contains(js, `\u001b[2J`) {
		t.Errorf("--json does not keep the exact name")
	}
}

// copyZipWith copies the zip at from to to, adding entries.
func copyZipWith(t *testing.T, from, to string, extra map[string]string) {
	t.Helper()
	zr, err := zip.OpenReader(from)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	f, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, e := range zr.File {
		r, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, r)
		r.Close()
	}
	for name, body := range extra {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}
