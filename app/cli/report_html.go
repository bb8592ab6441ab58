package cli

import (
	"bytes"
	"html/template"
	"os"
	"path/filepath"
	"time"

	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/verify/bundle"
	"github.com/custody-app/custody/verify/report"
)

// verdictWords explains each verdict to someone who is not a programmer.
var verdictWords = map[report.Verdict]string{
	report.Intact: "Every file is exactly as the sender made it, the history of every document is proven by the sender's signature, and the sender's key is one you trust.",
	report.SignerUnknown: "Every file is exactly as it was signed, and the history of every document is proven, but the key that signed it is not one you have confirmed. " +
		"Confirm its fingerprint with the sender (by phone or in person) before relying on who sent it.",
	report.NoProvenance: "This is a valid BagIt bag: every file matches its list of checksums. It carries no Custody provenance, so nothing in it says where the documents came from or who sent them.",
	report.Tampered:     "Something in this bundle differs from what was signed or listed. Each difference is listed below. Do not rely on the bundle until the sender explains it.",
	report.Forked: "The sender's history disagrees with what this archive saw from the same sender before: two different histories were signed with one key. " +
		"The evidence at the end of this report proves it to anyone; keep it.",
	report.Invalid:    "This is not a readable bag, or the proof that should come with it is incomplete. Each reason is listed below.",
	report.Unreadable: "Some files could not be read (a disk or permission problem). This says nothing yet about whether they are right; try again.",
	report.Cancelled:  "The check was stopped before it finished.",
}

var verdictClass = map[report.Verdict]string{
	report.Intact: "good", report.SignerUnknown: "warn", report.NoProvenance: "warn",
}

type htmlReport struct {
	Verdict   report.Verdict
	Class     string
	Words     string
	Subject   string
	BundleID  string
	Signer    *bundle.Signer
	Origin    string
	Size      int64
	Archive   string
	Checks    []report.Check
	Findings  []report.Finding
	Warnings  []report.Finding
	Files     []bundle.File
	Evidence  string
	Generated string
}

var reportPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Custody bundle report: {{.Verdict}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222; }
h1 { font-size: 1.4em; }
.verdict { font-size: 2em; font-weight: bold; padding: .4em .6em; border-radius: .3em; color: #fff; background: #b3261e; }
.verdict.good { background: #1e7b34; }
.verdict.warn { background: #8a6100; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td.code, td.mono, pre { font-family: ui-monospace, monospace; font-size: .9em; word-break: break-all; }
.ok { color: #1e7b34; font-weight: bold; }
.fail { color: #b3261e; font-weight: bold; }
pre { background: #f7f7f7; border: 1px solid #ccc; padding: 1em; white-space: pre-wrap; }
footer { margin-top: 2em; color: #666; font-size: .85em; }
</style>
</head>
<body>
<h1>Custody bundle report</h1>
<p class="verdict {{.Class}}">{{.Verdict}}</p>
<p>{{.Words}}</p>
<table>
<tr><th>Bundle</th><td class="mono">{{.Subject}}</td></tr>
{{if .BundleID}}<tr><th>Bundle id</th><td class="mono">{{.BundleID}}</td></tr>{{end}}
{{with .Signer}}<tr><th>Signed by</th><td>{{if .Trusted}}{{.TrustedAs}} (trusted){{else}}an unknown key{{end}}<br>fingerprint <b class="mono">{{.Fingerprint}}</b></td></tr>{{end}}
{{if .Origin}}<tr><th>Sender's log</th><td class="mono">{{.Origin}}, {{.Size}} events when signed</td></tr>{{end}}
<tr><th>Checked against</th><td>{{if .Archive}}the archive in <span class="mono">{{.Archive}}</span> (its trusted keys and the checkpoints it saw before){{else}}no archive: no trusted keys and no memory of earlier checkpoints were used{{end}}</td></tr>
</table>
<h2>Checks</h2>
<table>
<tr><th>Check</th><th>Result</th><th>Detail</th></tr>
{{range .Checks}}<tr><td>{{.Name}}</td><td>{{if .OK}}<span class="ok">passed</span>{{else}}<span class="fail">not passed</span>{{end}}</td><td>{{.Detail}}</td></tr>
{{end}}</table>
{{if .Findings}}<h2>Problems ({{len .Findings}})</h2>
<table>
<tr><th>Code</th><th>File or record</th><th>What was found</th><th>Expected</th><th>Found</th></tr>
{{range .Findings}}<tr><td class="code">{{.Code}}</td><td class="mono">{{.Path}}{{if .Doc}}<br>document {{.Doc}}{{end}}</td><td>{{.Message}}</td><td class="mono">{{.Expected}}</td><td class="mono">{{.Found}}</td></tr>
{{end}}</table>{{end}}
{{if .Warnings}}<h2>Warnings ({{len .Warnings}})</h2>
<table>
<tr><th>Code</th><th>File or record</th><th>What was found</th></tr>
{{range .Warnings}}<tr><td class="code">{{.Code}}</td><td class="mono">{{.Path}}</td><td>{{.Message}}</td></tr>
{{end}}</table>{{end}}
{{if .Evidence}}<h2>Evidence of the fork</h2>
<p>Both signed checkpoints and the proof that fails. Anyone holding the sender's public key can check them; they do not depend on this report.</p>
<pre>{{.Evidence}}</pre>{{end}}
{{if .Files}}<h2>Files ({{len .Files}})</h2>
<table>
<tr><th>File in the bundle</th><th>Original name</th><th>Document (SHA-256)</th><th>Bytes</th><th>Matches</th></tr>
{{range .Files}}<tr><td class="mono">{{.Path}}</td><td>{{.Name}}</td><td class="mono">{{.Doc}}</td><td>{{.Size}}</td><td>{{if .Verified}}<span class="ok">yes</span>{{else}}<span class="fail">no</span>{{end}}</td></tr>
{{end}}</table>{{end}}
<footer>Made by Custody on {{.Generated}}. Finding codes are explained in the Custody documentation (docs/cli.md).</footer>
</body>
</html>
`))

// writeHTMLReport writes a self-contained page (no scripts, no outside
// resources, everything escaped) that a non-programmer can read and hand on.
func writeHTMLReport(path string, res *bundle.Result, archiveDir string) error {
	r := res.Report
	d := htmlReport{Verdict: r.Verdict, Class: verdictClass[r.Verdict], Words: verdictWords[r.Verdict], Subject: r.Subject,
		BundleID: res.BundleID, Signer: res.Signer, Archive: archiveDir, Checks: r.Checks, Findings: r.Findings,
		Warnings: r.Warnings, Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC")}
	if cp := res.Checkpoint; cp != nil {
		d.Origin, d.Size = cp.Origin, cp.Size
	}
	for _, f := range res.Files {
		f.Name = catalog.EscapeInvalid(f.Name)
		d.Files = append(d.Files, f)
	}
	if res.Fork != nil {
		d.Evidence = res.Fork.Evidence()
	}
	var buf bytes.Buffer
	if err := reportPage.Execute(&buf, d); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".custody-report-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
