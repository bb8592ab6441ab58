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
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/archive/progress"
	"github.com/custody-app/custody/archive/provenance"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/tsa"
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
	// per line (see ParseKeys), and time-stamping root certificates as
	// PEM blocks (as custody bundle verify --tsa-roots reads them).
	Keys string
	// Seen is signed checkpoints the reader saw before (published by the
	// sender, or from an earlier bundle): the memory an archive would
	// have. With one of the bundle's origin a fork shows (see ParseSeen).
	Seen     string
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
	roots, keyText, err := TSARoots(in.Keys)
	if err != nil {
		return nil, err
	}
	g, err := knowing(keyText, in.Seen)
	if err != nil {
		return nil, err
	}
	opt := bundle.Options{Subject: in.Subject, Progress: in.Progress, TSARoots: roots}
	if g != nil {
		opt.Archive = g
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
			return outcome(&bundle.Result{Report: bag.OpenFailed(in.Subject, err)}, g, nil)
		}
	} else if fsys, err = NewFilesFS(in.Files); err != nil {
		return nil, err
	}
	return outcome(bundle.VerifyFS(ctx, fsys, opt), g, fsys)
}

// TSARoots takes the PEM certificate blocks out of the reader's keys
// text: the time-stamping roots they trust. The rest is returned for
// ParseKeys.
func TSARoots(text string) ([]*x509.Certificate, string, error) {
	const begin, end = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"
	var pems, rest strings.Builder
	for {
		i := strings.Index(text, begin)
		if i < 0 {
			rest.WriteString(text)
			break
		}
		j := strings.Index(text[i:], end)
		if j < 0 {
			return nil, "", errors.New("a certificate among the keys has no END CERTIFICATE line")
		}
		rest.WriteString(text[:i])
		pems.WriteString(text[i:i+j+len(end)] + "\n")
		text = text[i+j+len(end):]
	}
	if pems.Len() == 0 {
		return nil, rest.String(), nil
	}
	certs, err := tsa.RootCerts([]byte(pems.String()))
	if err != nil {
		return nil, "", err
	}
	return certs, rest.String(), nil
}

// knowing is what the reader gave: nil when nothing (the check then runs
// as --no-archive does).
func knowing(keyText, seenText string) (*given, error) {
	trusted, err := ParseKeys(keyText)
	if err != nil {
		return nil, err
	}
	seen, err := ParseSeen(seenText)
	if err != nil {
		return nil, err
	}
	if len(trusted) == 0 && len(seen) == 0 {
		return nil, nil
	}
	return &given{trusted: trusted, seen: seen}, nil
}

func outcome(res *bundle.Result, g *given, fsys fs.FS) (*Outcome, error) {
	var js, page bytes.Buffer
	if err := bundle.WriteJSON(&js, res.JSON("")); err != nil {
		return nil, err
	}
	doc := res.Document("")
	if err := htmlreport.Write(&page, doc); err != nil {
		return nil, err
	}
	return &Outcome{Verdict: res.Report.Verdict, JSON: js.Bytes(), Report: page.Bytes(), View: newView(res, doc, g, fsys)}, nil
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

// ParseSeen reads signed checkpoints the reader saw before, one after
// another (each as `custody checkpoint` prints it, or a bundle's
// custody/checkpoint): the newest of each origin is what the page
// remembers. Their signatures are checked by the bundle check, against
// the bundle's signer, when it compares; here only their form.
func ParseSeen(text string) (map[string]*provenance.Seen, error) {
	out := map[string]*provenance.Seen{}
	for k, note := range splitNotes(text) {
		cp, err := provenance.ParseUnverified([]byte(note))
		if err != nil {
			return nil, fmt.Errorf("checkpoint %d of those you gave is not a signed checkpoint: %v", k+1, err)
		}
		if old := out[cp.Origin]; old == nil || cp.Size > old.Size {
			out[cp.Origin] = &provenance.Seen{Origin: cp.Origin, Size: cp.Size, Checkpoint: note,
				Key: "the key that signed the checkpoint you gave", Bundle: "given to this page", Time: time.Now().UTC()}
		}
	}
	return out, nil
}

// splitNotes cuts text into signed notes: each is its text lines, a
// blank line and its signature lines ("— name signature").
func splitNotes(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var notes []string
	var cur []string
	signed := false
	flush := func() {
		if len(cur) > 0 {
			notes = append(notes, strings.Join(cur, "\n")+"\n")
		}
		cur, signed = nil, false
	}
	for _, line := range strings.Split(text, "\n") {
		isSig := strings.HasPrefix(line, "— ")
		switch {
		case signed && !isSig:
			flush()
			if strings.TrimSpace(line) == "" {
				continue
			}
		case len(cur) == 0 && strings.TrimSpace(line) == "":
			continue
		}
		cur = append(cur, line)
		signed = signed || isSig
	}
	flush()
	return notes
}

// given is what the page knows: the keys and checkpoints the reader gave
// it, and nothing else. It has no key or log of its own: it is a fresh
// archive that trusts exactly these keys and remembers these checkpoints.
type given struct {
	trusted []keys.Trusted
	seen    map[string]*provenance.Seen
}

func (g *given) TrustList() ([]keys.Trusted, error)                { return g.trusted, nil }
func (g *given) Public() *keys.Public                              { return nil }
func (g *given) SeenCheckpoint(o string) (*provenance.Seen, error) { return g.seen[o], nil }
func (g *given) LogSize() (int64, error)                           { return 0, nil }
func (g *given) LatestCheckpoint() (*provenance.Checkpoint, error) { return nil, nil }
func (g *given) LogTreeHash(int64) (tlog.Hash, error)              { return tlog.Hash{}, fs.ErrNotExist }
func (g *given) LogConsistencyProof(int64, int64) (tlog.TreeProof, error) {
	return nil, fs.ErrNotExist
}
