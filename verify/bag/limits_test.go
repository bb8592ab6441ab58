package bag

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/verify/report"
)

// manifestOf lists n payload paths, the first the real data/a.txt.
func manifestOf(alg string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  data/a.txt\n", sum(alg, "alpha\n"))
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "%s  data/absent-%d.txt\n", sum(alg, fmt.Sprint(i)), i)
	}
	return b.String()
}

// smallBag writes bagit.txt and data/a.txt; the caller adds tag files.
func smallBag(t *testing.T) string {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "bagit.txt"), "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
	writeFile(t, filepath.Join(dir, "data", "a.txt"), "alpha\n")
	return dir
}

func validateMax(t *testing.T, dir string, maxFiles int) *report.Report {
	t.Helper()
	_, r := ValidatePath(context.Background(), dir, Options{Workers: 2, MaxFiles: maxFiles})
	return r
}

// TestManifestLineCap: a manifest may list as many paths as a bag may
// hold files; one line more and it is refused unread (LIMIT_EXCEEDED,
// INVALID), without a misleading "no payload manifest" finding.
func TestManifestLineCap(t *testing.T) {
	dir := smallBag(t)
	writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), manifestOf("sha256", 20))
	r := validateMax(t, dir, 20)
	if has(r, LimitExceeded, "") || !has(r, PayloadMissing, "data/absent-19.txt") || r.Verdict != report.Tampered {
		t.Fatalf("at the cap: want TAMPERED with the absent files listed\n%s", dump(r))
	}
	writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), manifestOf("sha256", 21)+"\n\n")
	r = validateMax(t, dir, 20)
	f := find(r, LimitExceeded)
	if f == nil || f.Path != "manifest-sha256.txt" || f.Found != "21 lines" || f.Expected != "at most 20 lines" {
		t.Fatalf("over the cap: want LIMIT_EXCEEDED for the manifest (blank lines not counted)\n%s", dump(r))
	}
	if r.Verdict != report.Invalid || has(r, ManifestMissing, "") || has(r, PayloadMissing, "") {
		t.Errorf("verdict %s; want INVALID and no finding from an unread manifest\n%s", r.Verdict, dump(r))
	}
}

// TestManifestsTogetherCap: all manifests together may list four times
// the file cap; the manifest that goes over is refused.
func TestManifestsTogetherCap(t *testing.T) {
	dir := smallBag(t)
	for _, alg := range []string{"md5", "sha1", "sha256", "sha512", "sha384"} {
		writeFile(t, filepath.Join(dir, "manifest-"+alg+".txt"), manifestOf(alg, 20))
	}
	r := validateMax(t, dir, 20)
	var refused []string
	for _, f := range r.Findings {
		if f.Code == LimitExceeded {
			refused = append(refused, f.Path)
		}
	}
	// Tag files are read in name order: md5, sha1, sha256, sha384 fill
	// the budget of 80 lines.
	if len(refused) != 1 || refused[0] != "manifest-sha512.txt" {
		t.Fatalf("refused %v, want [manifest-sha512.txt]\n%s", refused, dump(r))
	}
}

// TestFetchLineCap: fetch.txt may hold as many entries as a bag files.
func TestFetchLineCap(t *testing.T) {
	dir := smallBag(t)
	writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), manifestOf("sha256", 1))
	var b strings.Builder
	for i := range 21 {
		fmt.Fprintf(&b, "https://example.org/%d - data/f%d\n", i, i)
	}
	writeFile(t, filepath.Join(dir, "fetch.txt"), b.String())
	r := validateMax(t, dir, 20)
	if f := find(r, LimitExceeded); f == nil || f.Path != "fetch.txt" || r.Verdict != report.Invalid {
		t.Fatalf("want LIMIT_EXCEEDED for fetch.txt, INVALID\n%s", dump(r))
	}
	if has(r, FetchNotInManifest, "") {
		t.Errorf("an unread fetch.txt gave findings\n%s", dump(r))
	}
}

// TestBagInfoLineCap: bag-info.txt may hold maxInfoLines lines.
func TestBagInfoLineCap(t *testing.T) {
	dir := smallBag(t)
	writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), manifestOf("sha256", 1))
	writeFile(t, filepath.Join(dir, "bag-info.txt"), strings.Repeat("Contact-Name: x\n", maxInfoLines+1))
	r := validateMax(t, dir, 0)
	if f := find(r, LimitExceeded); f == nil || f.Path != "bag-info.txt" || r.Verdict != report.Invalid {
		t.Fatalf("want LIMIT_EXCEEDED for bag-info.txt, INVALID\n%s", dump(r))
	}
}

// TestBagInfoFoldingLinear: a value folded over many lines is joined once
// (it was copied again for every line, quadratic in the file's size).
func TestBagInfoFoldingLinear(t *testing.T) {
	text := "External-Description:\n" + strings.Repeat("  word\n", maxInfoLines-2) + "Contact-Name: x\n"
	start := time.Now()
	fields, issues, err := parseBagInfo(strings.NewReader(text))
	took := time.Since(start)
	if err != nil || len(issues) != 0 || len(fields) != 2 {
		t.Fatalf("fields %d, issues %v, err %v", len(fields), issues, err)
	}
	if want := strings.TrimSpace(strings.Repeat("word ", maxInfoLines-2)); fields[0].Value != want || fields[1].Value != "x" {
		t.Fatalf("folded value of %d bytes, want %d", len(fields[0].Value), len(want))
	}
	// Linear, not quadratic: a quarter of the lines must take well under
	// half the time (a quadratic join takes a sixteenth against a
	// quarter). Relative, so a loaded machine does not fail it.
	quarter := "External-Description:\n" + strings.Repeat("  word\n", maxInfoLines/4) + "Contact-Name: x\n"
	qStart := time.Now()
	parseBagInfo(strings.NewReader(quarter))
	qTook := time.Since(qStart)
	if took > 10*qTook+200*time.Millisecond {
		t.Errorf("parsing %d folded lines took %v, a quarter of them %v: not linear", maxInfoLines, took, qTook)
	}
}

// TestMalformedLinesBounded: a manifest of malformed lines keeps at most
// maxPerCode findings and counts the rest.
func TestMalformedLinesBounded(t *testing.T) {
	dir := smallBag(t)
	writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), manifestOf("sha256", 1)+strings.Repeat("nonsense\n", 3000))
	r := validateMax(t, dir, 0)
	n, summary := 0, ""
	for _, f := range r.Findings {
		if f.Code == ManifestLineMalformed {
			n++
			if f.Path == "" {
				summary = f.Message
			}
		}
	}
	if n != maxPerCode+1 || !strings.Contains(summary, "2000 more") {
		t.Errorf("%d findings, summary %q; want %d and a count of 2000 more", n, summary, maxPerCode+1)
	}
}

// TestFolderBagCaps: a folder bag's file count and depth, bagit.txt's and
// bag-info.txt's sizes are capped; each cap gives its finding.
func TestFolderBagCaps(t *testing.T) {
	t.Run("files", func(t *testing.T) {
		dir := smallBag(t)
		writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), manifestOf("sha256", 1))
		for i := range 5 {
			writeFile(t, filepath.Join(dir, "data", fmt.Sprintf("f%d", i)), "x")
		}
		r := validateMax(t, dir, 4)
		if f := find(r, LimitExceeded); f == nil || f.Expected != "4" || r.Verdict != report.Invalid {
			t.Fatalf("want LIMIT_EXCEEDED at 4 files\n%s", dump(r))
		}
	})
	t.Run("depth", func(t *testing.T) {
		dir := smallBag(t)
		writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), manifestOf("sha256", 1))
		writeFile(t, filepath.Join(dir, "data", strings.Repeat("d/", defaultMaxDeep), "x"), "x")
		r := validateMax(t, dir, 0)
		if f := find(r, LimitExceeded); f == nil || f.Expected != fmt.Sprint(defaultMaxDeep) || r.Verdict != report.Invalid {
			t.Fatalf("want LIMIT_EXCEEDED for depth\n%s", dump(r))
		}
	})
	t.Run("bagit.txt size", func(t *testing.T) {
		dir := smallBag(t)
		writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), manifestOf("sha256", 1))
		appendTo(t, filepath.Join(dir, "bagit.txt"), strings.Repeat(" ", maxBagitTxt))
		r := validateMax(t, dir, 0)
		if f := find(r, BagitTxtInvalid); f == nil || !strings.Contains(f.Message, "larger than") || r.Verdict != report.Invalid {
			t.Fatalf("want BAGIT_TXT_INVALID for size\n%s", dump(r))
		}
	})
	t.Run("bag-info.txt size", func(t *testing.T) {
		dir := smallBag(t)
		writeFile(t, filepath.Join(dir, "manifest-sha256.txt"), manifestOf("sha256", 1))
		// 90,000 lines of 201 bytes: under the line cap, over 16 MiB.
		writeFile(t, filepath.Join(dir, "bag-info.txt"), strings.Repeat("Note: "+strings.Repeat("x", 194)+"\n", 90_000))
		r := validateMax(t, dir, 0)
		if f := find(r, TagFileInvalid); f == nil || f.Path != "bag-info.txt" || !strings.Contains(f.Message, "larger than 16 MiB") || r.Verdict != report.Invalid {
			t.Fatalf("want TAG_FILE_INVALID for size\n%s", dump(r))
		}
	})
}
