package htmlreport

import (
	"html/template"
	"io"

	"github.com/custody-app/custody/verify/report"
)

// WriteCertificate renders a custody certificate as one self-contained
// web page, with its proof file in full at the end.
func WriteCertificate(w io.Writer, c *report.Certificate) error {
	return certificateTemplate.Execute(w, struct {
		*report.Certificate
		ProofText string // through quote.Safe: its \\u escapes are JSON's own, so it is the same JSON
		Short     string
	}{c, report.ShownLines(string(c.Proof)), c.Doc[:16]})
}

var certificateTemplate = template.Must(template.New("certificate").Funcs(template.FuncMap{"when": report.EventTime}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Custody certificate: document {{.Short}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #222; }
h1 { font-size: 1.4em; }
.banner { font-size: 1.6em; font-weight: bold; padding: .4em .6em; border-radius: .3em; color: #fff; background: #1e7b34; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; width: 12em; }
.mono, pre { font-family: ui-monospace, monospace; font-size: .9em; word-break: break-all; }
small { color: #555; }
pre { background: #f7f7f7; border: 1px solid #ccc; padding: 1em; white-space: pre-wrap; }
footer { margin-top: 2em; color: #666; font-size: .85em; }
@media print { body { margin: 0; max-width: none; } .banner { print-color-adjust: exact; -webkit-print-color-adjust: exact; } tr, li { break-inside: avoid; } }
</style>
</head>
<body>
<h1>Custody certificate</h1>
<p class="banner">Document {{.Short}}…</p>
<p>This document's history, below, is recorded in the provenance log of the archivist named here, and the log is signed with their key. Anyone holding the document can check every line of it without trusting this page or Custody: the last sections say how.</p>
<h2>The document</h2>
<table>
<tr><th>ID (SHA-256)</th><td class="mono">{{.Doc}}</td></tr>
{{if ge .Size 0}}<tr><th>Size</th><td>{{.Size}} bytes</td></tr>{{end}}
{{if .Type}}<tr><th>Type</th><td>{{.Type}}</td></tr>{{end}}
<tr><th>Names</th><td>{{range .Names}}{{.}}<br>{{else}}not disclosed{{end}}</td></tr>
</table>
{{with .Signer}}<h2>Archivist (signer)</h2>
<table>
<tr><th>Name</th><td><b>{{.Name}}</b>{{if .Organisation}}, {{.Organisation}}{{end}}</td></tr>
<tr><th>Fingerprint</th><td class="mono"><b>{{.Fingerprint}}</b></td></tr>
<tr><th>Key</th><td class="mono">{{.VerifierKey}}</td></tr>
</table>{{end}}
<h2>History</h2>
<table>
<tr><th>When (UTC, claimed)</th><th>Event</th></tr>
{{range .Timeline}}<tr><td>{{when .Time}}</td><td>event {{.Index}} ({{.Type}}): {{.What}}{{range .Shown}}<br><small>{{.}}</small>{{end}}{{if .Withheld}}<br><small>recorded, not disclosed: {{range $i, $f := .Withheld}}{{if $i}}, {{end}}{{$f}}{{end}}</small>{{end}}</td></tr>
{{end}}</table>
<p><small>Times are the archive's clock's claims; the order of events is their index in the log, which the signature fixes.</small></p>
<h2>Proof</h2>
<table>
<tr><th>Log (origin)</th><td class="mono">{{.Origin}}</td></tr>
<tr><th>Checkpoint</th><td>signed at size {{.Checkpoint.Size}}<br>root <span class="mono">{{.Root}}</span></td></tr>
<tr><th>Inclusion</th><td>{{len .Timeline}} events, each with its proof of inclusion in this checkpoint: the proof file at the end of this page</td></tr>
<tr><th>Disclosed</th><td>{{.Disclosed}}; fields recorded and not disclosed stay sealed in the proof, which proves they exist without showing them</td></tr>
</table>
<h2>How to check it without Custody</h2>
<ol>
{{range .Recheck}}<li>{{.Say}}{{if .Command}}<pre>{{.Command}}</pre>{{end}}</li>
{{end}}</ol>
<h2>The proof file (save it as proof.json)</h2>
<pre>{{.ProofText}}</pre>
<footer>Issued {{.Checked.When}}, {{.Checked.Clock}}, by {{.Checked.Tool}}.</footer>
</body>
</html>
`))
