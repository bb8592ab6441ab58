package bundle

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/bundleformat"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/tsa"
	"github.com/custody-app/custody/verify/report"
)

// TSARootsKnower is what an archive that keeps trusted time-stamping
// roots adds to Knowledge (*archive.Archive does).
type TSARootsKnower interface {
	TSARootCerts() ([]*x509.Certificate, error)
}

// Timestamp is one RFC 3161 token the bundle carries for its checkpoint,
// checked (see archive/tsa).
type Timestamp struct {
	File string `json:"file"`
	tsa.Stamp
	// NotBefore is the newest event time among the events the bundle
	// proves, as the sender's clock recorded it: the checkpoint cannot be
	// older than what it holds, if that clock was right.
	NotBefore string `json:"not_before,omitempty"`
	// Words is the line a person reads.
	Words string `json:"words"`
}

// rootCerts gathers the roots given for this check and the archive's.
func (p *prover) rootCerts() (*x509.CertPool, error) {
	certs := slices.Clone(p.opt.TSARoots)
	if k, ok := p.opt.Archive.(TSARootsKnower); ok {
		more, err := k.TSARootCerts()
		if err != nil {
			return nil, err
		}
		certs = append(certs, more...)
	}
	if len(certs) == 0 {
		return nil, nil
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// checkTimestamps checks every token of custody/timestamps/ against the
// checkpoint's exact bytes. A token over other bytes, or whose signature
// fails, is a problem; one that chains to no root the person trusts is a
// warning (a problem with --strict).
func (p *prover) checkTimestamps() {
	ents, err := fs.ReadDir(p.fsys, bundleformat.TimestampsDir)
	if errors.Is(err, fs.ErrNotExist) || p.note == nil {
		return
	}
	if err != nil {
		p.rep.Add(report.Finding{Code: ReadFailed, Severity: report.IOError, Path: bundleformat.TimestampsDir,
			Message: "the time stamps could not be listed: " + quote.Safe(err.Error())})
		return
	}
	if len(ents) > bundleformat.MaxTimestamps {
		p.rep.Add(report.Finding{Code: FileMalformed, Path: bundleformat.TimestampsDir, Expected: fmt.Sprintf("at most %d tokens", bundleformat.MaxTimestamps),
			Found: fmt.Sprint(len(ents)), Message: "the bundle carries more time stamps than a reader accepts; none were read"})
		return
	}
	roots, err := p.rootCerts()
	if err != nil {
		p.rep.Add(report.Finding{Code: ArchiveUnreadable, Severity: report.IOError, Message: "the archive's trusted TSA roots could not be read: " + quote.Safe(err.Error())})
	}
	notBefore := p.newestEvent()
	var words []string
	ok := true
	for _, e := range ents {
		name := bundleformat.TimestampsDir + "/" + e.Name()
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tsr") {
			p.rep.Add(report.Finding{Code: FileMalformed, Path: quote.Safe(name), Expected: "<n>.tsr", Found: quote.Safe(e.Name()),
				Message: "an unexpected entry among the time stamps"})
			ok = false
			continue
		}
		b, err := readCapped(p.fsys, name, tsa.MaxToken)
		if err != nil {
			p.rep.Add(report.Finding{Code: ReadFailed, Severity: report.IOError, Path: name, Message: "the time stamp could not be read: " + quote.Safe(err.Error())})
			ok = false
			continue
		}
		st, err := tsa.Check(b, p.note, roots)
		if err != nil {
			p.rep.Add(report.Finding{Code: TimestampInvalid, Path: name, Expected: "a valid RFC 3161 token over custody/checkpoint",
				Message: "this time stamp is no evidence of time: " + quote.Safe(err.Error())})
			ok = false
			continue
		}
		ts := Timestamp{File: name, Stamp: *st, NotBefore: notBefore, Words: st.Words()}
		if !st.Trusted {
			ts.Words += " (not trusted: " + st.Why + ")"
			p.rep.Add(report.Finding{Code: TimestampUntrusted, Severity: report.Warning, Path: name,
				Message: fmt.Sprintf("the time stamp by %s is not trusted: %s; give its root with --tsa-roots, or trust it (custody keys trust-tsa)", quote.Safe(st.TSA), st.Why)})
		}
		p.res.Timestamps = append(p.res.Timestamps, ts)
		words = append(words, ts.Words)
	}
	detail := strings.Join(words, "; ")
	if notBefore != "" && len(words) > 0 {
		detail += "; not before " + notBefore + " (the newest event it holds, by the sender's clock)"
	}
	if detail == "" {
		detail = "no valid time stamp"
	}
	p.rep.AddCheck(CheckTime, ok, detail)
}

// newestEvent is the latest time among the proven events, to the second
// in UTC ("" if none).
func (p *prover) newestEvent() string {
	var newest time.Time
	for _, e := range p.proven {
		if e.v == nil {
			continue
		}
		if t, err := time.Parse(time.RFC3339Nano, e.v.Time); err == nil && t.After(newest) {
			newest = t
		}
	}
	if newest.IsZero() {
		return ""
	}
	return newest.UTC().Format("2006-01-02 15:04:05 UTC")
}
