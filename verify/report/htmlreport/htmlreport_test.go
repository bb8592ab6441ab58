package htmlreport

import (
	"bytes"
	"flag"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/verify/report"
)

var update = flag.Bool("update", false, "rewrite the golden pages in testdata")

// documents are the golden cases: every verdict a bundle check gives,
// with markup in every field a sender controls.
func documents() map[string]*report.Document {
	doc := func(v report.Verdict) *report.Document {
		r := &report.Report{Subject: "/tmp/b <x>.zip", Verdict: v}
		r.AddCheck("bag", true, "12 files match")
		r.AddCheck("provenance", v == report.Intact, "")
		d := report.NewDocument(report.BundleCheck, r)
		d.Generated = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
		d.Checked = report.Context{At: d.Generated, Tool: "Custody v9.9.9", Machine: "desk <1>", Zone: "CET (UTC+01:00)"}
		return d
	}
	intact := doc(report.Intact)
	intact.BundleID = "urn:uuid:1"
	intact.Signer = &report.Signer{Fingerprint: "SHA256:abc", Trusted: true, Name: `Bo "Lind" <x>`, Origin: "o"}
	intact.Checkpoint = &report.Checkpoint{Origin: "custody.example/log", Size: 42, Root: "cm9vdA=="}
	intact.Signer.VerifierKey = "custody-K+1+AAA"
	intact.Recheck = report.BundleSteps(intact)
	intact.Files = []report.File{{Path: "data/a.txt", Name: `a\xff.txt`, Doc: "abcd", Size: 5, Verified: true}, {Path: "data/b.txt", Name: "b.txt", Size: 1}}
	unknown := doc(report.SignerUnknown)
	unknown.Signer = &report.Signer{Fingerprint: "SHA256:def", KeyName: `alice"<b>`}
	tampered := doc(report.Tampered)
	tampered.Findings = []report.Finding{{Code: "PAYLOAD_HASH_MISMATCH", Severity: report.Problem, Path: "data/a&b.txt", Doc: "ab12", Expected: "x", Found: "y", Message: "bytes <differ>"}}
	tampered.Warnings = []report.Finding{{Code: "W1", Severity: report.Warning, Path: "data/w.txt", Message: "odd"}}
	forked := doc(report.Forked)
	forked.Evidence = "FORKED LOG o\n\n# older checkpoint\nold\n\n# newer checkpoint\nnew <n>\n\n# consistency proof\n"
	return map[string]*report.Document{"intact": intact, "unknown": unknown, "tampered": tampered, "forked": forked,
		"noprov": doc(report.NoProvenance), "cancel": doc(report.Cancelled)}
}

// TestGolden renders each case checked against an archive and without
// one, and compares the page byte for byte with testdata.
func TestGolden(t *testing.T) {
	for name, d := range documents() {
		for suffix, dir := range map[string]string{"-arc": "/home/x/arc", "-none": ""} {
			d.Archive = dir
			var buf bytes.Buffer
			if err := Write(&buf, d); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+suffix+".html")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s: the page differs from %s (rerun with -update if the change is meant):\n%s", name+suffix, path, buf.String())
			}
		}
	}
}

// TestSelfContained: the page runs no script and loads nothing from
// elsewhere, and whatever a sender puts in a bundle stays text.
func TestSelfContained(t *testing.T) {
	for name, d := range documents() {
		var buf bytes.Buffer
		if err := Write(&buf, d); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.Contains(page, d.Headline) ||
			!strings.Contains(page, template.HTMLEscapeString(d.Meaning)) {
			t.Errorf("%s: the page lacks its doctype, headline or meaning", name)
		}
		for _, banned := range []string{"<script", "http://", "https://", "src="} {
			if strings.Contains(page, banned) {
				t.Errorf("%s: the page holds %q; it must be self-contained", name, banned)
			}
		}
		d.Subject = `<script src="https://evil.example/x.js"></script>`
		d.Files = append(d.Files, report.File{Path: "data/<img src=x>", Name: "<link rel=stylesheet>"})
		buf.Reset()
		if err := Write(&buf, d); err != nil {
			t.Fatal(err)
		}
		for _, banned := range []string{"<script", "<img", "<link"} {
			if strings.Contains(buf.String(), banned) {
				t.Errorf("%s: a sender's %q reached the page as markup", name, banned)
			}
		}
	}
}

// TestArchiveDocument: other kinds of check render too, under their own
// title, without the bundle's rows.
func TestArchiveDocument(t *testing.T) {
	r := &report.Report{Subject: "/home/x/arc", Verdict: report.Corrupt}
	r.Add(report.Finding{Code: "CHUNK_HASH_MISMATCH", Doc: "ab12", Message: "damaged"})
	var buf bytes.Buffer
	if err := Write(&buf, report.NewDocument(report.ArchiveCheck, r)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"<title>Custody archive report: CORRUPT</title>", "<th>Archive</th>", "CHUNK_HASH_MISMATCH", "Custody will not hand out its bytes"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "Checked against") {
		t.Error("an archive's page says what it was checked against")
	}
}

// TestHostileText: a sender's control characters, bidi controls and
// invalid bytes reach the page as visible escapes (the Document made them
// so), and its markup stays text.
func TestHostileText(t *testing.T) {
	r := &report.Report{Subject: "b.zip", Verdict: report.Invalid}
	r.Add(report.Finding{Code: "PAYLOAD_HASH_MISMATCH", Path: "data/x\x1b[2J\x1b[H\x1b[32mINTACT <b>", Message: "bytes differ \u202eexe.txt",
		Expected: "e\r", Found: "f\xff"})
	d := report.NewDocument(report.BundleCheck, r)
	d.Signer = report.ShownSigner(report.Signer{Fingerprint: "WXYZ", KeyName: "alice\u2066"})
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, r := range page {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || r == 0x202e || r == 0x2066 || r == 0xfffd {
			t.Fatalf("the page holds %U", r)
		}
	}
	for _, want := range []string{`data/x\x1b[2J\x1b[H\x1b[32mINTACT &lt;b&gt;`, `bytes differ \u202eexe.txt`, `e\x0d`, `f\xff`,
		`UNKNOWN KEY (calls itself &#34;alice\u2066&#34;, unverified)`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}
