package bundle

import (
	"encoding/base64"
	"encoding/json"
	"io"

	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
)

// JSONReport is the output of "custody bundle verify --json", made here
// so that every front end that prints it (the command line, the browser
// page) writes the very same bytes for the same result. It keeps the
// raw values of the report (see report.Document for the shown ones).
type JSONReport struct {
	Subject    string             `json:"subject"`
	Kind       string             `json:"kind,omitempty"`
	Verdict    report.Verdict     `json:"verdict"`
	Checks     []report.Check     `json:"checks"`
	Findings   []report.Finding   `json:"findings"`
	Warnings   []report.Finding   `json:"warnings"`
	BundleID   string             `json:"bundle_id,omitempty"`
	Signer     *Signer            `json:"signer,omitempty"`
	Checkpoint *JSONCheckpoint    `json:"checkpoint,omitempty"`
	Files      []File             `json:"files"`
	Evidence   string             `json:"fork_evidence,omitempty"`
	Archive    string             `json:"archive,omitempty"`
	Hops       []Hop              `json:"hops,omitempty"`
	Witnesses  *report.Witnessing `json:"witnesses,omitempty"`
	Timestamps []Timestamp        `json:"timestamps,omitempty"`
}

// JSONCheckpoint is the bundle's checkpoint in a JSONReport.
type JSONCheckpoint struct {
	Origin string `json:"origin"`
	Size   int64  `json:"size"`
	Root   string `json:"root"`
}

// JSON is the result as "--json" prints it; archiveDir is the archive
// the bundle was checked against ("" for none).
func (r *Result) JSON(archiveDir string) *JSONReport {
	rep := r.Report
	out := &JSONReport{Subject: rep.Subject, Kind: r.Kind, Verdict: rep.Verdict, Checks: rep.Checks, Findings: rep.Findings, Warnings: rep.Warnings,
		BundleID: r.BundleID, Signer: r.Signer, Files: []File{}, Archive: archiveDir, Hops: r.Hops, Witnesses: r.Witnesses, Timestamps: r.Timestamps}
	if out.Checks == nil {
		out.Checks = []report.Check{}
	}
	if out.Findings == nil {
		out.Findings = []report.Finding{}
	}
	if out.Warnings == nil {
		out.Warnings = []report.Finding{}
	}
	if cp := r.Checkpoint; cp != nil {
		out.Checkpoint = &JSONCheckpoint{cp.Origin, cp.Size, base64.StdEncoding.EncodeToString(cp.Root[:])}
	}
	for _, f := range r.Files {
		f.Name = quote.EscapeInvalid(f.Name)
		out.Files = append(out.Files, f)
	}
	if r.Fork != nil {
		out.Evidence = r.Fork.Evidence()
	}
	return out
}

// WriteJSON writes v as the command line's --json output does: indented
// by two spaces, one value per line.
func WriteJSON(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(v)
}
