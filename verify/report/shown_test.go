package report

import "testing"

func TestSignerWords(t *testing.T) {
	trusted := &Signer{Trusted: true, Name: "Bo Lind", Fingerprint: "ABCD-EFGH-IJKL-MNOP", KeyName: "custody-ABCD-EFGH-IJKL-MNOP"}
	if got := trusted.Who(); got != `"Bo Lind" (fingerprint ABCD-EFGH-IJKL-MNOP), whom you trust` {
		t.Errorf("Who: %s", got)
	}
	if got := trusted.Label(); got != "Bo Lind (trusted)" {
		t.Errorf("Label: %s", got)
	}
	// A key that calls itself by the name the reader trusts someone as
	// is still an unknown key; its own name is only a quoted claim.
	unknown := &Signer{Fingerprint: "WXYZ-WXYZ-WXYZ-WXYZ", KeyName: "alice"}
	if got := unknown.Who(); got != `UNKNOWN KEY WXYZ-WXYZ-WXYZ-WXYZ (calls itself "alice", unverified)` {
		t.Errorf("Who: %s", got)
	}
	if got := unknown.Label(); got != `UNKNOWN KEY (calls itself "alice", unverified)` {
		t.Errorf("Label: %s", got)
	}
	if got := (&Signer{Fingerprint: "F"}).Who(); got != "UNKNOWN KEY F" {
		t.Errorf("Who without a name: %s", got)
	}
	shown := ShownSigner(Signer{Fingerprint: "F", KeyName: `a\u202ex`, Name: "n\x1b[2J"})
	if shown.KeyName != `a\\u202ex` || shown.Name != `n\x1b[2J` {
		t.Errorf("ShownSigner: %+v", shown)
	}
}

func TestDocumentIsShownText(t *testing.T) {
	r := &Report{Subject: "b\x1b[2J.zip", Verdict: Tampered}
	r.AddCheck("names", false, "data/x\u202etxt.exe differs")
	raw := Finding{Code: "C", Path: "data/b\nOK: all documents verified", Doc: "d\r", Expected: "e\x00", Found: "f\xff",
		Message: "m\u2066", Docs: []string{"x\u009b"}}
	r.Add(raw)
	d := NewDocument(BundleCheck, r)
	got := d.Findings[0]
	want := Finding{Code: "C", Severity: Problem, Path: `data/b\x0aOK: all documents verified`, Doc: `d\x0d`, Expected: `e\x00`,
		Found: `f\xff`, Message: `m\u2066`, Docs: []string{`x\u009b`}}
	if got.Path != want.Path || got.Doc != want.Doc || got.Expected != want.Expected || got.Found != want.Found ||
		got.Message != want.Message || got.Docs[0] != want.Docs[0] {
		t.Errorf("finding shown as %+v, want %+v", got, want)
	}
	if d.Subject != `b\x1b[2J.zip` || d.Checks[0].Detail != `data/x\u202etxt.exe differs` {
		t.Errorf("subject %q, check %q", d.Subject, d.Checks[0].Detail)
	}
	if r.Findings[0].Path != raw.Path || r.Findings[0].Docs[0] != raw.Docs[0] {
		t.Errorf("the report itself changed: %+v", r.Findings[0])
	}
	if got := ShownLines("FORKED LOG o\n\nnew \x1b\nline\u202e"); got != "FORKED LOG o\n\nnew \\x1b\nline\\u202e" {
		t.Errorf("ShownLines: %q", got)
	}
}
