package bag

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/custody-app/custody/verify/report"
)

func TestValidBag(t *testing.T) {
	dir := buildBag(t, spec{algs: []string{"sha256", "sha512"}, tagFiles: map[string]string{"custody/events.jsonl": "{}\n"}})
	b, r := validateDir(t, dir)
	if r.Verdict != report.NoProvenance || len(r.Findings) != 0 || len(r.Warnings) != 0 {
		t.Fatalf("verdict %s, want clean NO PROVENANCE\n%s", r.Verdict, dump(r))
	}
	if b.Version != "1.0" || b.Encoding != "UTF-8" || b.InfoFile != "bag-info.txt" || !b.Custody {
		t.Errorf("bag = %+v", b)
	}
	if got := b.InfoValues("payload-oxum"); len(got) != 1 || got[0] != "44.4" {
		t.Errorf("Payload-Oxum = %q", got)
	}
	if len(b.Info) != 4 || b.Info[0] != (Field{"Source-Organization", "Test Archive"}) {
		t.Errorf("Info = %+v", b.Info)
	}
	f := b.Payload["data/with space.txt"]
	if f == nil || f.Size != 16 || !f.Verified || f.Digests["sha256"] != sum("sha256", "spaces are fine\n") || f.Digests["sha512"] == "" {
		t.Errorf("payload file = %+v", f)
	}
	if got := strings.Join(b.PayloadPaths(), ","); got != "data/a.txt,data/b.txt,data/sub/c.bin,data/with space.txt" {
		t.Errorf("PayloadPaths = %s", got)
	}
	ev := b.Tag("custody/events.jsonl")
	if ev == nil || !ev.Verified || ev.Digests["sha256"] != sum("sha256", "{}\n") {
		t.Errorf("custody tag = %+v", ev)
	}
	if b.Tag("tagmanifest-sha256.txt") == nil || b.Tag("nope") != nil {
		t.Errorf("Tags = %+v", b.Tags)
	}
	for _, c := range r.Checks {
		if !c.OK {
			t.Errorf("check %s failed: %s", c.Name, c.Detail)
		}
	}
	if len(r.Checks) != 6 {
		t.Errorf("checks = %+v", r.Checks)
	}
}

// TestMutations builds a valid bag, applies one change and checks the
// verdict, the code and the path named.
func TestMutations(t *testing.T) {
	tests := []struct {
		name    string
		spec    spec
		mutate  func(t *testing.T, dir string)
		verdict report.Verdict
		code    string
		path    string
		msg     string // a part of the finding's message
	}{
		{name: "byte flipped", verdict: report.Tampered, code: PayloadHashMismatch, path: "data/a.txt",
			mutate: func(t *testing.T, d string) { writeFile(t, filepath.Join(d, "data/a.txt"), "alphb\n") }},
		{name: "same size replaced", verdict: report.Tampered, code: PayloadHashMismatch, path: "data/b.txt",
			mutate: func(t *testing.T, d string) { writeFile(t, filepath.Join(d, "data/b.txt"), "BRAVO BRAVO\n") }},
		{name: "truncated", verdict: report.Tampered, code: OxumMismatch, path: "bag-info.txt",
			mutate: func(t *testing.T, d string) { writeFile(t, filepath.Join(d, "data/b.txt"), "bravo") }},
		{name: "file added", verdict: report.Tampered, code: PayloadNotInManifest, path: "data/new.txt",
			mutate: func(t *testing.T, d string) { writeFile(t, filepath.Join(d, "data/new.txt"), "new") }},
		{name: "junk file added", verdict: report.Tampered, code: PayloadNotInManifest, path: "data/sub/.DS_Store", msg: "operating system",
			mutate: func(t *testing.T, d string) { writeFile(t, filepath.Join(d, "data/sub/.DS_Store"), "x") }},
		{name: "file removed", verdict: report.Tampered, code: PayloadMissing, path: "data/sub/c.bin",
			mutate: func(t *testing.T, d string) { os.Remove(filepath.Join(d, "data/sub/c.bin")) }},
		{name: "file renamed", verdict: report.Tampered, code: PayloadNotInManifest, path: "data/moved.txt", msg: `same content as "data/a.txt"`,
			mutate: func(t *testing.T, d string) {
				os.Rename(filepath.Join(d, "data/a.txt"), filepath.Join(d, "data/moved.txt"))
			}},
		{name: "file renamed, missing side", verdict: report.Tampered, code: PayloadMissing, path: "data/a.txt", msg: `"data/moved.txt" has the same content`,
			mutate: func(t *testing.T, d string) {
				os.Rename(filepath.Join(d, "data/a.txt"), filepath.Join(d, "data/moved.txt"))
			}},
		{name: "manifest edited to match", verdict: report.Tampered, code: TagHashMismatch, path: "manifest-sha256.txt", msg: "manifest was edited",
			mutate: func(t *testing.T, d string) {
				writeFile(t, filepath.Join(d, "data/a.txt"), "forged\n")
				m := readFile(t, filepath.Join(d, "manifest-sha256.txt"))
				writeFile(t, filepath.Join(d, "manifest-sha256.txt"), strings.Replace(m, sum("sha256", "alpha\n"), sum("sha256", "forged\n"), 1))
			}},
		{name: "tagmanifest edited", verdict: report.Tampered, code: TagHashMismatch, path: "bag-info.txt",
			mutate: func(t *testing.T, d string) {
				m := readFile(t, filepath.Join(d, "tagmanifest-sha256.txt"))
				writeFile(t, filepath.Join(d, "tagmanifest-sha256.txt"), strings.Replace(m, sum("sha256", readFile(t, filepath.Join(d, "bag-info.txt"))), strings.Repeat("0", 64), 1))
			}},
		{name: "tag file missing", verdict: report.Tampered, code: TagFileMissing, path: "bag-info.txt",
			mutate: func(t *testing.T, d string) { os.Remove(filepath.Join(d, "bag-info.txt")) }},
		{name: "oxum wrong", verdict: report.Tampered, code: OxumMismatch, path: "bag-info.txt",
			mutate: func(t *testing.T, d string) { editInfo(t, d, "Payload-Oxum: 44.4", "Payload-Oxum: 44.5") }},
		{name: "oxum malformed", verdict: report.Invalid, code: OxumMalformed, path: "bag-info.txt",
			mutate: func(t *testing.T, d string) { editInfo(t, d, "Payload-Oxum: 44.4", "Payload-Oxum: 44,4") }},
		{name: "oxum repeated differently", verdict: report.Invalid, code: OxumMalformed, path: "bag-info.txt",
			mutate: func(t *testing.T, d string) {
				editInfo(t, d, "Payload-Oxum: 44.4", "Payload-Oxum: 44.4\nPayload-Oxum: 1.1")
			}},
		{name: "bag-info line malformed", verdict: report.Invalid, code: BagInfoLineMalformed, path: "bag-info.txt",
			mutate: func(t *testing.T, d string) { editInfo(t, d, "Bagging-Date: 2025-01-02", "Bagging-Date 2025-01-02") }},
		{name: "unsafe path", verdict: report.Invalid, code: PathUnsafe, path: "../outside.txt",
			mutate: func(t *testing.T, d string) { editManifest(t, d, sum("sha256", "x")+"  ../outside.txt\n") }},
		{name: "unsafe drive path", verdict: report.Invalid, code: PathUnsafe, path: "C:/x",
			mutate: func(t *testing.T, d string) { editManifest(t, d, sum("sha256", "x")+"  C:/x\n") }},
		{name: "path outside data", verdict: report.Invalid, code: ManifestPathOutsideData, path: "bagit.txt",
			mutate: func(t *testing.T, d string) { editManifest(t, d, sum("sha256", "x")+"  bagit.txt\n") }},
		{name: "duplicate path different hash", verdict: report.Invalid, code: ManifestConflictingEntries, path: "data/a.txt",
			mutate: func(t *testing.T, d string) { editManifest(t, d, sum("sha256", "x")+"  data/a.txt\n") }},
		{name: "duplicate path same hash 1.0", verdict: report.Invalid, code: ManifestDuplicateEntry, path: "data/a.txt",
			mutate: func(t *testing.T, d string) { editManifest(t, d, sum("sha256", "alpha\n")+"  data/a.txt\n") }},
		{name: "duplicate path same hash 0.97", spec: spec{version: "0.97"}, verdict: report.NoProvenance, code: ManifestDuplicateEntry, path: "data/a.txt",
			mutate: func(t *testing.T, d string) { editManifest(t, d, sum("sha256", "alpha\n")+"  data/a.txt\n") }},
		{name: "malformed manifest line", verdict: report.Invalid, code: ManifestLineMalformed, path: "manifest-sha256.txt",
			mutate: func(t *testing.T, d string) { editManifest(t, d, "abc123  data/a.txt\n") }},
		{name: "manifest line without path", verdict: report.Invalid, code: ManifestLineMalformed, path: "manifest-sha256.txt",
			mutate: func(t *testing.T, d string) { editManifest(t, d, sum("sha256", "x")+"\n") }},
		{name: "nfd name on disk", spec: spec{files: map[string]string{"data/caf\u00e9.txt": "menu"}},
			verdict: report.NoProvenance, code: PathNormalization, path: "data/cafe\u0301.txt",
			mutate: func(t *testing.T, d string) {
				os.Rename(filepath.Join(d, "data/caf\u00e9.txt"), filepath.Join(d, "data/cafe\u0301.txt"))
			}},
		{name: "fetch.txt file absent", verdict: report.Invalid, code: FetchIncomplete, path: "data/b.txt", msg: "never downloads",
			mutate: func(t *testing.T, d string) {
				os.Remove(filepath.Join(d, "data/b.txt"))
				writeFile(t, filepath.Join(d, "fetch.txt"), "https://example.org/b.txt 12 data/b.txt\n")
				retag(t, d, "sha256")
			}},
		{name: "fetch.txt unsafe path", verdict: report.Invalid, code: PathUnsafe, path: "/etc/passwd",
			mutate: func(t *testing.T, d string) {
				writeFile(t, filepath.Join(d, "fetch.txt"), "https://example.org/p - /etc/passwd\n")
				retag(t, d, "sha256")
			}},
		{name: "fetch.txt outside data", verdict: report.Invalid, code: PathUnsafe, path: "bagit.txt",
			mutate: func(t *testing.T, d string) {
				writeFile(t, filepath.Join(d, "fetch.txt"), "https://example.org/p - bagit.txt\n")
				retag(t, d, "sha256")
			}},
		{name: "fetch.txt malformed", verdict: report.Invalid, code: FetchLineMalformed, path: "fetch.txt",
			mutate: func(t *testing.T, d string) {
				writeFile(t, filepath.Join(d, "fetch.txt"), "https://example.org/p data/a.txt\n")
				retag(t, d, "sha256")
			}},
		{name: "BOM in bagit.txt", verdict: report.Invalid, code: BagitTxtInvalid, path: "bagit.txt", msg: "byte-order mark",
			mutate: func(t *testing.T, d string) {
				writeFile(t, filepath.Join(d, "bagit.txt"), "\ufeffBagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
				retag(t, d, "sha256")
			}},
		{name: "bagit.txt extra line", verdict: report.Invalid, code: BagitTxtInvalid, path: "bagit.txt",
			mutate: func(t *testing.T, d string) {
				appendTo(t, filepath.Join(d, "bagit.txt"), "Extra: yes\n")
				retag(t, d, "sha256")
			}},
		{name: "bagit.txt lines swapped", verdict: report.Invalid, code: BagitTxtInvalid, path: "bagit.txt", msg: "first",
			mutate: func(t *testing.T, d string) {
				writeFile(t, filepath.Join(d, "bagit.txt"), "Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n")
				retag(t, d, "sha256")
			}},
		{name: "bagit.txt missing", verdict: report.Invalid, code: BagitTxtMissing, path: "bagit.txt",
			mutate: func(t *testing.T, d string) { os.Remove(filepath.Join(d, "bagit.txt")); retag(t, d, "sha256") }},
		{name: "version unsupported", verdict: report.Invalid, code: BagitVersionUnsupported, path: "bagit.txt",
			mutate: func(t *testing.T, d string) {
				writeFile(t, filepath.Join(d, "bagit.txt"), "BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n")
				retag(t, d, "sha256")
			}},
		{name: "unknown encoding", verdict: report.Invalid, code: TagEncodingUnsupported, path: "bagit.txt",
			mutate: func(t *testing.T, d string) {
				writeFile(t, filepath.Join(d, "bagit.txt"), "BagIt-Version: 1.0\nTag-File-Character-Encoding: KLINGON-8\n")
				retag(t, d, "sha256")
			}},
		{name: "only unknown algorithm", verdict: report.Invalid, code: ManifestAlgorithmUnsupported, path: "manifest-foo.txt",
			mutate: func(t *testing.T, d string) {
				os.Rename(filepath.Join(d, "manifest-sha256.txt"), filepath.Join(d, "manifest-foo.txt"))
				retag(t, d, "sha256")
			}},
		{name: "unknown algorithm beside a known one", verdict: report.NoProvenance, code: ManifestAlgorithmUnsupported, path: "manifest-foo.txt",
			mutate: func(t *testing.T, d string) {
				writeFile(t, filepath.Join(d, "manifest-foo.txt"), readFile(t, filepath.Join(d, "manifest-sha256.txt")))
				retag(t, d, "sha256")
			}},
		{name: "no manifest", verdict: report.Invalid, code: ManifestMissing, path: "",
			mutate: func(t *testing.T, d string) {
				os.Remove(filepath.Join(d, "manifest-sha256.txt"))
				retag(t, d, "sha256")
			}},
		{name: "md5 only", spec: spec{algs: []string{"md5"}}, verdict: report.NoProvenance, code: ManifestWeakAlgorithm},
		{name: "manifests disagree", spec: spec{algs: []string{"md5", "sha256"}}, verdict: report.Invalid, code: ManifestsDisagree, path: "data/b.txt",
			mutate: func(t *testing.T, d string) {
				m := readFile(t, filepath.Join(d, "manifest-md5.txt"))
				writeFile(t, filepath.Join(d, "manifest-md5.txt"), strings.Replace(m, sum("md5", "bravo bravo\n")+"  data/b.txt\n", "", 1))
				retag(t, d, "sha256")
			}},
		{name: "tag manifest lists payload", verdict: report.Invalid, code: TagManifestListsPayload, path: "data/a.txt",
			mutate: func(t *testing.T, d string) {
				appendTo(t, filepath.Join(d, "tagmanifest-sha256.txt"), sum("sha256", "alpha\n")+" data/a.txt\n")
			}},
		{name: "no data folder", spec: spec{files: map[string]string{}}, verdict: report.Invalid, code: PayloadDirMissing, path: "data",
			mutate: func(t *testing.T, d string) { os.Remove(filepath.Join(d, "data")) }},
		{name: "empty payload", spec: spec{files: map[string]string{}}, verdict: report.NoProvenance, code: PayloadEmpty, path: "data"},
		{name: "symbolic link", verdict: report.Invalid, code: FileNotRegular, path: "data/link",
			mutate: func(t *testing.T, d string) { symlink(t, "/etc/passwd", filepath.Join(d, "data/link")) }},
		{name: "symbolic link to a folder", verdict: report.Invalid, code: FileNotRegular, path: "data/up",
			mutate: func(t *testing.T, d string) { symlink(t, "..", filepath.Join(d, "data/up")) }},
		{name: "case collision", spec: spec{files: map[string]string{"data/Report.txt": "1", "data/REPORT.TXT": "2"}},
			verdict: report.NoProvenance, code: PathCaseCollision, path: "data/REPORT.TXT"},
		{name: "reserved name", spec: spec{files: map[string]string{"data/aux.txt": "1"}},
			verdict: report.NoProvenance, code: PathNotPortable, path: "data/aux.txt", msg: "Windows device"},
		{name: "percent in name", spec: spec{files: map[string]string{"data/100%.txt": "all", "data/%7Eliteral": "x"}},
			verdict: report.NoProvenance},
		{name: "percent written literally", spec: spec{files: map[string]string{"data/a%25b.txt": "x"}},
			verdict: report.NoProvenance, code: PathPercentLiteral, path: "data/a%25b.txt",
			mutate: func(t *testing.T, d string) {
				writeFile(t, filepath.Join(d, "manifest-sha256.txt"), sum("sha256", "x")+"  data/a%25b.txt\n")
				retag(t, d, "sha256")
			}},
		{name: "dot slash", verdict: report.NoProvenance, code: PathDotSlash, path: "data/a.txt",
			mutate: func(t *testing.T, d string) {
				m := readFile(t, filepath.Join(d, "manifest-sha256.txt"))
				writeFile(t, filepath.Join(d, "manifest-sha256.txt"), strings.Replace(m, "  data/a.txt", "  ./data/a.txt", 1))
				retag(t, d, "sha256")
			}},
		{name: "carriage returns only", verdict: report.NoProvenance,
			mutate: func(t *testing.T, d string) {
				for _, f := range []string{"manifest-sha256.txt", "bag-info.txt"} {
					writeFile(t, filepath.Join(d, f), strings.ReplaceAll(readFile(t, filepath.Join(d, f)), "\n", "\r"))
				}
				retag(t, d, "sha256")
			}},
		{name: "uppercase hex", verdict: report.NoProvenance,
			mutate: func(t *testing.T, d string) {
				m := readFile(t, filepath.Join(d, "manifest-sha256.txt"))
				writeFile(t, filepath.Join(d, "manifest-sha256.txt"), strings.ToUpper(m[:64])+m[64:])
				retag(t, d, "sha256")
			}},
		{name: "line too long", verdict: report.Invalid, code: TagFileInvalid, path: "manifest-sha256.txt",
			mutate: func(t *testing.T, d string) { editManifest(t, d, strings.Repeat("a", maxLineLength+10)+"\n") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "reserved name" && runtime.GOOS == "windows" {
				t.Skip("Windows cannot hold a file named aux.txt in a folder (the name is its AUX device)")
			}
			dir := buildBag(t, tc.spec)
			if tc.mutate != nil {
				tc.mutate(t, dir)
			}
			_, r := validateDir(t, dir)
			if tc.name == "case collision" && foldsCase(t, dir) {
				// On this file system both names are one file: the second
				// write replaced the first. The bag really is changed, and
				// the warning still names the collision.
				tc.verdict = report.Tampered
				if !has(r, PayloadMissing, "data/Report.txt") && !has(r, PayloadMissing, "data/REPORT.TXT") {
					t.Errorf("one name of the two is not reported missing\n%s", dump(r))
				}
				if !has(r, PathCaseCollision, "data/REPORT.TXT") {
					t.Errorf("no %s\n%s", PathCaseCollision, dump(r))
				}
				if r.Verdict != tc.verdict {
					t.Errorf("verdict %s, want %s\n%s", r.Verdict, tc.verdict, dump(r))
				}
				return
			}
			if r.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s\n%s", r.Verdict, tc.verdict, dump(r))
			}
			if tc.code == "" {
				if len(r.Findings) > 0 {
					t.Errorf("unexpected findings\n%s", dump(r))
				}
				return
			}
			if !has(r, tc.code, tc.path) {
				t.Fatalf("no %s for %q\n%s", tc.code, tc.path, dump(r))
			}
			if tc.msg != "" && !messageHas(r, tc.code, tc.path, tc.msg) {
				t.Errorf("no %s message for %q mentions %q\n%s", tc.code, tc.path, tc.msg, dump(r))
			}
		})
	}
}

func messageHas(r *report.Report, code, path, text string) bool {
	for _, list := range [][]report.Finding{r.Findings, r.Warnings} {
		for _, f := range list {
			if f.Code == code && (path == "" || f.Path == path) && strings.Contains(f.Message, text) {
				return true
			}
		}
	}
	return false
}

// editInfo replaces text in bag-info.txt and updates the tag manifest, so
// that only the change under test shows.
func editInfo(t *testing.T, dir, old, new string) {
	t.Helper()
	p := filepath.Join(dir, "bag-info.txt")
	writeFile(t, p, strings.Replace(readFile(t, p), old, new, 1))
	retag(t, dir, "sha256")
}

// editManifest appends lines to manifest-sha256.txt and updates the tag
// manifest.
func editManifest(t *testing.T, dir, lines string) {
	t.Helper()
	appendTo(t, filepath.Join(dir, "manifest-sha256.txt"), lines)
	retag(t, dir, "sha256")
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make a symbolic link here: %v", err)
	}
}
