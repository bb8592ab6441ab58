package htmlreport

import "html/template"

// pageTemplate is the page: the verdict and its meaning first, then who
// signed, the checks, the problems, the warnings, the evidence of a fork
// and the files.
var pageTemplate = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}: {{.Headline}}</title>
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
@media print { body { margin: 0; max-width: none; } .verdict { print-color-adjust: exact; -webkit-print-color-adjust: exact; } tr, li { break-inside: avoid; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="verdict {{.Class}}">{{.Headline}}</p>
<p>{{.Meaning}}</p>
<table>
<tr><th>{{.SubjectLabel}}</th><td class="mono">{{.Subject}}</td></tr>
{{if .BundleID}}<tr><th>Bundle id</th><td class="mono">{{.BundleID}}</td></tr>{{end}}
{{with .Checked}}{{if .When}}<tr><th>When</th><td>{{.When}}, {{.Clock}}</td></tr>{{end}}{{if .Tool}}<tr><th>Checked by</th><td>{{.Tool}}</td></tr>{{end}}{{end}}
{{with .Signer}}<tr><th>Signed by</th><td>{{.Label}}{{if .Organisation}}, {{.Organisation}}{{end}}<br>fingerprint <b class="mono">{{.Fingerprint}}</b>{{if .Trusted}}{{if .How}}<br>trusted: {{.How}}{{end}}{{else}}<br>not trusted: confirm the fingerprint with the sender (by phone or in person) before relying on who signed{{end}}{{if .VerifierKey}}<br>key <span class="mono">{{.VerifierKey}}</span>{{end}}</td></tr>{{end}}
{{with .Checkpoint}}{{if .Origin}}<tr><th>{{if $.Bundle}}Sender's log{{else}}Log{{end}}</th><td class="mono">{{.Origin}}, {{.Size}} events when signed{{if .Root}}<br>root {{.Root}}{{end}}</td></tr>{{end}}{{end}}{{range .TimeAnchors}}
<tr><th>Time stamp</th><td>{{.Words}}{{if .NotBefore}}<br>not before {{.NotBefore}} (the newest event it holds, by the sender's clock){{end}}</td></tr>{{end}}
{{if .Bundle}}<tr><th>Checked against</th><td>{{if .Archive}}the archive in <span class="mono">{{.Archive}}</span> (its trusted keys and the checkpoints it saw before){{else}}no archive: no memory of earlier checkpoints was used; only keys given for this check (--key) are trusted{{end}}</td></tr>{{end}}
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
{{range .Files}}<tr><td class="mono">{{.Path}}</td><td>{{.Name}}{{range .MadeFrom}}<br><small>{{.}}</small>{{end}}{{range .DKIM}}<br><small>{{.}}</small>{{end}}</td><td class="mono">{{.Doc}}</td><td>{{.Size}}</td><td>{{if .Verified}}<span class="ok">yes</span>{{else}}<span class="fail">no</span>{{end}}</td></tr>
{{end}}</table>{{end}}
{{if .Recheck}}<h2>How anyone can check this again</h2>
<ol>
{{range .Recheck}}<li>{{.Say}}{{if .Command}}<pre>{{.Command}}</pre>{{end}}</li>
{{end}}</ol>{{end}}
<footer>Made by Custody on {{.Generated}}. The SHA-256 of this file, as written, is printed by the command that wrote it and recorded in the archive's log as a verify event when the archive could be written. Finding codes are explained in the Custody documentation (docs/cli.md).</footer>
</body>
</html>
`))
