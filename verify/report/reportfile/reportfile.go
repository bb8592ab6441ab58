// Package reportfile writes a report.Document to a file in the format its
// name asks for (.pdf, .html, .json), whole or not at all, and returns
// the file's SHA-256: the hash a report is matched by later, which the
// front ends print and record in the archive's log. The command line and
// the window save reports through it, so the two write the same files.
package reportfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/custody-app/custody/verify/report"
	"github.com/custody-app/custody/verify/report/htmlreport"
	"github.com/custody-app/custody/verify/report/pdfreport"
)

// Formats a report can be written in, by file extension.
const (
	PDF  = ".pdf"
	HTML = ".html"
	JSON = ".json"
)

// Format is the format a file name asks for, or an error naming the ones
// there are.
func Format(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case PDF, HTML, JSON:
		return ext, nil
	case ".htm":
		return HTML, nil
	}
	return "", fmt.Errorf("a report's file name ends in .pdf, .html or .json, not %q", filepath.Base(path))
}

// Machine is the report as JSON: the Document's words and values, text
// as shown (escaped by quote.Safe), so it says exactly what the PDF and
// the web page say.
type Machine struct {
	Format     string             `json:"format"` // "custody-report/1"
	Kind       report.Kind        `json:"kind"`
	Subject    string             `json:"subject"`
	Verdict    report.Verdict     `json:"verdict"`
	Meaning    string             `json:"meaning"`
	Checked    report.Context     `json:"checked"`
	BundleID   string             `json:"bundle_id,omitempty"`
	Archive    string             `json:"checked_against_archive,omitempty"`
	Signer     *machineSigner     `json:"signer,omitempty"`
	Checkpoint *report.Checkpoint `json:"checkpoint,omitempty"`
	Checks     []report.Check     `json:"checks"`
	Findings   []report.Finding   `json:"findings"`
	Warnings   []report.Finding   `json:"warnings"`
	Files      []report.File      `json:"files,omitempty"`
	Evidence   string             `json:"fork_evidence,omitempty"`
	Recheck    []report.Step      `json:"recheck"`
	Witnesses  *report.Witnessing `json:"witnesses,omitempty"`
}

type machineSigner struct {
	Fingerprint  string `json:"fingerprint"`
	Trusted      bool   `json:"trusted"`
	Name         string `json:"name,omitempty"`
	How          string `json:"how,omitempty"`
	KeyName      string `json:"key_name,omitempty"`
	Organisation string `json:"organisation,omitempty"`
	Origin       string `json:"origin,omitempty"`
	VerifierKey  string `json:"verifier_key,omitempty"`
}

// MachineJSON is d as the machine-readable report, indented.
func MachineJSON(d *report.Document) []byte { return machineJSON(d, true) }

func machineJSON(d *report.Document, indent bool) []byte {
	m := Machine{Format: "custody-report/1", Kind: d.Kind, Subject: d.Subject, Verdict: d.Verdict, Meaning: d.Meaning,
		Checked: d.Checked, BundleID: d.BundleID, Archive: d.Archive, Checkpoint: d.Checkpoint,
		Checks: nonNil(d.Checks), Findings: nonNil(d.Findings), Warnings: nonNil(d.Warnings), Files: d.Files,
		Evidence: d.Evidence, Recheck: nonNil(d.Recheck), Witnesses: d.Witnesses}
	if s := d.Signer; s != nil {
		m.Signer = &machineSigner{s.Fingerprint, s.Trusted, s.Name, s.How, s.KeyName, s.Organisation, s.Origin, s.VerifierKey}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if indent {
		enc.SetIndent("", "  ")
	}
	err := enc.Encode(m)
	if err != nil {
		panic(err) // plain values only: cannot fail
	}
	return buf.Bytes()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Render is d in the format (PDF, HTML or JSON); a PDF carries the JSON
// as the attachment report.json, and extra files beside it.
func Render(format string, d *report.Document, extra ...pdfreport.Attachment) ([]byte, error) {
	var buf bytes.Buffer
	switch format {
	case JSON:
		return MachineJSON(d), nil
	case HTML:
		err := htmlreport.Write(&buf, d)
		return buf.Bytes(), err
	case PDF:
		files := append([]pdfreport.Attachment{{Name: "report.json", MIME: "application/json",
			Description: "The same report, machine-readable", Data: machineJSON(d, false)}}, extra...)
		err := pdfreport.Write(&buf, d, files...)
		return buf.Bytes(), err
	}
	return nil, fmt.Errorf("no report format %q", format)
}

// Save writes d to path in the format its name asks for, through a
// temporary file renamed into place, and returns the SHA-256 of the
// bytes written.
func Save(path string, d *report.Document) ([32]byte, error) {
	format, err := Format(path)
	if err != nil {
		return [32]byte{}, err
	}
	b, err := Render(format, d)
	if err != nil {
		return [32]byte{}, err
	}
	return [32]byte(sha256.Sum256(b)), WriteFile(path, b)
}

// WriteFile writes b to path whole or not at all.
func WriteFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".custody-report-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
