// Package check is the browser verifier's Go side, apart from the
// browser: it runs the unchanged bundle verifier (verify/bundle) over a
// bag the reader chose and turns the result into what the page shows,
// the command line's --json output and the HTML report. The WebAssembly
// main package (app/web/wasm) only connects it to the browser's files;
// this package builds and is tested on every platform, so the page and
// `custody bundle verify` are the same code with the same words.
package check

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/bag"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
	"github.com/custody-app/custody/verify/report/htmlreport"
	tlog "golang.org/x/mod/sumdb/tlog"
)

// Input is one check: a bag as a zip (Zip, Size) or as a folder's files
// (Files), and the keys the reader trusts.
type Input struct {
	// Subject names the bag in the report: the zip's or folder's name.
	Subject string
	Zip     io.ReaderAt
	Size    int64
	Files   []Entry
	// Keys is the text the reader pasted or loaded: verifier keys, one
	// per line (see ParseKeys).
	Keys     string
	Progress progress.Func
}

// Outcome is what the page shows and offers.
type Outcome struct {
	Verdict report.Verdict
	// JSON is exactly what `custody bundle verify --json` prints for the
	// same bag (without an archive when no keys were given).
	JSON []byte
	// Report is the HTML report `custody bundle verify --report` writes.
	Report []byte
	View   *View
}

// Run checks the bag. Keys that do not parse are an error before any
// file is read: the reader meant to trust them.
func Run(ctx context.Context, in Input) (*Outcome, error) {
	trusted, err := ParseKeys(in.Keys)
	if err != nil {
		return nil, err
	}
	opt := bundle.Options{Subject: in.Subject, Progress: in.Progress}
	if len(trusted) > 0 {
		opt.Archive = given(trusted)
	}
	var fsys fs.FS
	if in.Zip != nil {
		fsys, err = bag.ZipFS(in.Zip, in.Size, bag.DefaultZipLimits)
		if err != nil {
			// As `custody bundle verify` reports a zip it refuses,
			// naming the file by what the reader chose.
			if oe, ok := err.(*bag.OpenError); ok && oe.Path == "" {
				oe.Path = in.Subject
			}
			return outcome(&bundle.Result{Report: bag.OpenFailed(in.Subject, err)}, trusted, nil)
		}
	} else if fsys, err = NewFilesFS(in.Files); err != nil {
		return nil, err
	}
	return outcome(bundle.VerifyFS(ctx, fsys, opt), trusted, fsys)
}

// Verify checks a bag already open as fsys, as Run does.
func Verify(ctx context.Context, fsys fs.FS, subject, keyText string) (*Outcome, error) {
	trusted, err := ParseKeys(keyText)
	if err != nil {
		return nil, err
	}
	opt := bundle.Options{Subject: subject}
	if len(trusted) > 0 {
		opt.Archive = given(trusted)
	}
	return outcome(bundle.VerifyFS(ctx, fsys, opt), trusted, fsys)
}

func outcome(res *bundle.Result, trusted []keys.Trusted, fsys fs.FS) (*Outcome, error) {
	var js, page bytes.Buffer
	if err := bundle.WriteJSON(&js, res.JSON("")); err != nil {
		return nil, err
	}
	doc := res.Document("")
	if err := htmlreport.Write(&page, doc); err != nil {
		return nil, err
	}
	return &Outcome{Verdict: res.Report.Verdict, JSON: js.Bytes(), Report: page.Bytes(), View: newView(res, doc, len(trusted), fsys)}, nil
}

// keyLabels are the lines of `custody keys show` other than the key: a
// pasted copy of its whole output is read for its "Verifier key:" line.
var keyLabels = []string{"Archivist:", "Organisation:", "Fingerprint:", "Log origin:", "Give the verifier key"}

// ParseKeys reads trusted verifier keys, one per line, as `custody keys
// show` prints them (a bare key, or its "Verifier key: …" line; its other
// lines, blank lines and lines starting with # are skipped). A line that
// is none of these is an error naming it.
func ParseKeys(text string) ([]keys.Trusted, error) {
	var out []keys.Trusted
	seen := map[string]bool{}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if k, ok := strings.CutPrefix(line, "Verifier key:"); ok {
			line = strings.TrimSpace(k)
		}
		if line == "" || strings.HasPrefix(line, "#") || hasLabel(line) {
			continue
		}
		_, info, err := keys.ParseVerifierKey(line)
		if err != nil {
			return nil, fmt.Errorf("line %d of the trusted keys is not a verifier key (%s): %v", n+1, quote.Clip(quote.Safe(line)), err)
		}
		if seen[info.VerifierKey] {
			continue
		}
		seen[info.VerifierKey] = true
		out = append(out, keys.Trusted{Name: info.Name, VerifierKey: info.VerifierKey, Fingerprint: info.Fingerprint,
			How: "given to this page by you"})
	}
	return out, nil
}

func hasLabel(line string) bool {
	for _, l := range keyLabels {
		if strings.HasPrefix(line, l) {
			return true
		}
	}
	return false
}

// given is what the page knows: the keys the reader gave it, and nothing
// else. It has no key or log of its own and remembers no checkpoint, as
// a fresh archive that trusts exactly these keys.
type given []keys.Trusted

func (g given) TrustList() ([]keys.Trusted, error)                       { return g, nil }
func (g given) Public() *keys.Public                                     { return nil }
func (g given) SeenCheckpoint(string) (*provenance.Seen, error)          { return nil, nil }
func (g given) LogSize() (int64, error)                                  { return 0, nil }
func (g given) LatestCheckpoint() (*provenance.Checkpoint, error)        { return nil, nil }
func (g given) LogTreeHash(int64) (tlog.Hash, error)                     { return tlog.Hash{}, fs.ErrNotExist }
func (g given) LogConsistencyProof(int64, int64) (tlog.TreeProof, error) { return nil, fs.ErrNotExist }
