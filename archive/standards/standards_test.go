package standards

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custody-app/custody/archive/provenance"
)

var (
	docA = strings.Repeat("a", 64)
	docB = strings.Repeat("b", 64)
)

// sample is an archive's export: two documents, one redacted from the
// other, exported, received, annotated and checked.
func sample() Input {
	ev := func(i int64, e provenance.Event) Event {
		e.Time = "2026-01-02T03:04:0" + string(rune('0'+i)) + "Z"
		return Event{Index: i, Event: &e}
	}
	return Input{
		Docs: []Doc{{ID: docA, Size: 10, MediaType: "message/rfc822", Names: []string{"leak/a.eml", "copy/a.eml"}},
			{ID: docB, Size: 7, MediaType: "", Names: []string{"a-redacted <1>.pdf"}}},
		Events: []Event{
			ev(0, provenance.Event{Type: provenance.Ingest, Doc: docA, Size: 10, Name: "a.eml", Path: "leak/a.eml", Source: "USB & stick"}),
			ev(1, provenance.Event{Type: provenance.Derive, Doc: docB, Size: 7, Parents: []string{docA}, Kind: "redaction"}),
			ev(2, provenance.Event{Type: provenance.Annotate, Doc: docA, Tags: []string{"court"}, Note: "for counsel"}),
			ev(3, provenance.Event{Type: provenance.Export, Bundle: "u-1", Docs: []string{docB}, CheckpointSize: 3}),
			ev(4, provenance.Event{Type: provenance.Receive, Bundle: "u-2", Origin: "other/log", Docs: []string{docA}, Forced: true}),
			ev(5, provenance.Event{Type: provenance.Verify, What: "archive check; report sha256:00", Verdict: "INTACT"}),
			ev(6, provenance.Event{Type: provenance.Verify, What: "bundle check of u-3; report sha256:11", Verdict: "TAMPERED"}),
		},
		Signer: Signer{Fingerprint: "ABCD-EFGH", KeyName: "custody-ABCD", Name: "Zoë Ångström", Organisation: "Café Press",
			VerifierKey: "custody-ABCD+1+AAA", Origin: "custody.app/ABCD/1"},
		Tool: "Custody v9.9.9",
	}
}

// schema is the official PREMIS 3.0 XSD: the shared copy beside the
// repository when there is one, else the copy kept in testdata.
func schema(t *testing.T) string {
	shared := filepath.Join("..", "..", "..", "shared", "schemas", "premis-v3-0.xsd")
	if _, err := os.Stat(shared); err == nil {
		return shared
	}
	return filepath.Join("testdata", "premis-v3-0.xsd")
}

type readBack struct {
	XMLName xml.Name `xml:"http://www.loc.gov/premis/v3 premis"`
	Version string   `xml:"version,attr"`
	Objects []struct {
		ID     string `xml:"objectIdentifier>objectIdentifierValue"`
		IDType string `xml:"objectIdentifier>objectIdentifierType"`
		Digest string `xml:"objectCharacteristics>fixity>messageDigest"`
		Size   int64  `xml:"objectCharacteristics>size"`
		Format string `xml:"objectCharacteristics>format>formatDesignation>formatName"`
		Name   string `xml:"originalName"`
	} `xml:"object"`
	Events []struct {
		ID   string `xml:"eventIdentifier>eventIdentifierValue"`
		Type struct {
			URI   string `xml:"valueURI,attr"`
			Label string `xml:",chardata"`
		} `xml:"eventType"`
		Date    string   `xml:"eventDateTime"`
		Detail  []string `xml:"eventDetailInformation>eventDetail"`
		Outcome string   `xml:"eventOutcomeInformation>eventOutcome"`
		Agent   string   `xml:"linkingAgentIdentifier>linkingAgentIdentifierValue"`
		Objects []struct {
			Value string `xml:"linkingObjectIdentifierValue"`
			Role  string `xml:"linkingObjectRole"`
		} `xml:"linkingObjectIdentifier"`
	} `xml:"event"`
	Agents []struct {
		ID   string `xml:"agentIdentifier>agentIdentifierValue"`
		Name string `xml:"agentName"`
		Type string `xml:"agentType"`
	} `xml:"agent"`
}

func TestPREMIS(t *testing.T) {
	var buf bytes.Buffer
	if err := WritePREMIS(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var got readBack
	if err := xml.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, buf.String())
	}
	if got.Version != "3.0" || len(got.Objects) != 2 || len(got.Events) != 7 || len(got.Agents) != 2 {
		t.Fatalf("version %q, %d objects, %d events, %d agents", got.Version, len(got.Objects), len(got.Events), len(got.Agents))
	}
	o := got.Objects[0]
	if o.IDType != "sha256" || o.ID != docA || o.Digest != docA || o.Size != 10 || o.Format != "message/rfc822" || o.Name != "leak/a.eml" {
		t.Errorf("object: %+v", o)
	}
	if got.Objects[1].Format != "application/octet-stream" || got.Objects[1].Name != "a-redacted <1>.pdf" {
		t.Errorf("second object: %+v", got.Objects[1])
	}
	base := "http://id.loc.gov/vocabulary/preservation/eventType/"
	want := []struct{ code, label, outcome string }{
		{"ing", "ingestion", "success"}, {"red", "redaction", "success"}, {"mem", "metadata modification", "success"},
		{"dis", "dissemination", "success"}, {"tra", "transfer", "warning"}, {"fix", "fixity check", "success"}, {"val", "validation", "failure"},
	}
	for i, e := range got.Events {
		w := want[i]
		if e.Type.URI != base+w.code || e.Type.Label != w.label || e.Outcome != w.outcome || e.Agent != "ABCD-EFGH" ||
			e.ID != "custody.app/ABCD/1#"+string(rune('0'+i)) || e.Date != "2026-01-02T03:04:0"+string(rune('0'+i))+"Z" {
			t.Errorf("event %d: %+v, want %+v", i, e, w)
		}
	}
	if d := got.Events[0].Detail; len(d) != 2 || d[1] != "source: USB & stick" {
		t.Errorf("the owner's export shows every field: %q", d)
	}
	if l := got.Events[1].Objects; len(l) != 2 || l[0].Value != docA || l[0].Role != "source" || l[1].Value != docB || l[1].Role != "outcome" {
		t.Errorf("derivation links: %+v", l)
	}
	if a := got.Agents[0]; a.ID != "ABCD-EFGH" || a.Name != "Zoë Ångström" || a.Type != "person" {
		t.Errorf("agent: %+v", a)
	}
	validate(t, buf.Bytes())
}

// validate checks the document against the official PREMIS 3.0 schema
// with xmllint.
func validate(t *testing.T, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CUSTODY_REQUIRE_TOOLS") != "" {
			t.Fatal("xmllint is missing (scripts/deps installs libxml2-utils)")
		}
		t.Skip("xmllint is missing (scripts/deps installs libxml2-utils)")
	}
	path := filepath.Join(t.TempDir(), "premis.xml")
	os.WriteFile(path, doc, 0o644)
	if out, err := exec.Command(xmllint, "--noout", "--schema", schema(t), path).CombinedOutput(); err != nil {
		t.Fatalf("not valid PREMIS 3.0: %v\n%s", err, out)
	}
}

func TestPREMISSchemaRejectsWrongDocuments(t *testing.T) {
	// The validation can fail: an event without its type is refused.
	var buf bytes.Buffer
	WritePREMIS(&buf, sample())
	broken := bytes.Replace(buf.Bytes(), []byte("<eventDateTime>"), []byte("<eventDate>"), 1)
	broken = bytes.Replace(broken, []byte("</eventDateTime>"), []byte("</eventDate>"), 1)
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is missing")
	}
	path := filepath.Join(t.TempDir(), "broken.xml")
	os.WriteFile(path, broken, 0o644)
	if exec.Command(xmllint, "--noout", "--schema", schema(t), path).Run() == nil {
		t.Fatal("xmllint accepted a PREMIS event without eventDateTime")
	}
	if err := WritePREMIS(&buf, Input{}); err == nil {
		t.Error("an export of no documents was written")
	}
}

func TestCASE(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCASE(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Context map[string]string `json:"@context"`
		ID      string            `json:"@id"`
		Type    string            `json:"@type"`
		Spec    string            `json:"uco-core:specVersion"`
		Objects []map[string]any  `json:"uco-core:object"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for prefix, iri := range map[string]string{
		"case-investigation": "https://ontology.caseontology.org/case/investigation/",
		"uco-core":           "https://ontology.unifiedcyberontology.org/uco/core/",
		"uco-observable":     "https://ontology.unifiedcyberontology.org/uco/observable/",
		"uco-action":         "https://ontology.unifiedcyberontology.org/uco/action/",
		"uco-types":          "https://ontology.unifiedcyberontology.org/uco/types/",
		"xsd":                "http://www.w3.org/2001/XMLSchema#",
	} {
		if doc.Context[prefix] != iri {
			t.Errorf("@context %s = %q, want %q", prefix, doc.Context[prefix], iri)
		}
	}
	if doc.Type != "uco-core:Bundle" || doc.Spec != "CASE 1.4.0" || !strings.HasPrefix(doc.ID, "kb:") {
		t.Errorf("bundle: %s %s %s", doc.ID, doc.Type, doc.Spec)
	}
	byType := map[string][]map[string]any{}
	ids := map[string]bool{}
	for _, o := range doc.Objects {
		byType[o["@type"].(string)] = append(byType[o["@type"].(string)], o)
		ids[o["@id"].(string)] = true
	}
	if len(byType["uco-observable:File"]) != 2 || len(byType["case-investigation:ProvenanceRecord"]) != 2 ||
		len(byType["case-investigation:InvestigativeAction"]) != 7 || len(byType["uco-identity:Person"]) != 1 || len(byType["uco-tool:Tool"]) != 1 {
		t.Fatalf("objects by type: %v", keys(byType))
	}
	file := byType["uco-observable:File"][0]
	facets := file["uco-core:hasFacet"].([]any)
	content := facets[0].(map[string]any)
	hash := content["uco-observable:hash"].([]any)[0].(map[string]any)
	if content["@type"] != "uco-observable:ContentDataFacet" || hash["@type"] != "uco-types:Hash" ||
		hash["uco-types:hashMethod"].(map[string]any)["@value"] != "SHA256" ||
		hash["uco-types:hashValue"].(map[string]any)["@value"] != strings.ToUpper(docA) || len(facets) != 3 ||
		facets[2].(map[string]any)["uco-observable:fileName"] != "copy/a.eml" {
		t.Errorf("file: %v", file)
	}
	act := byType["case-investigation:InvestigativeAction"][1] // the redaction
	if act["uco-core:name"] != "redaction" || act["uco-action:startTime"].(map[string]any)["@value"] != "2026-01-02T03:04:01Z" ||
		act["uco-action:startTime"].(map[string]any)["@type"] != "xsd:dateTime" {
		t.Errorf("action: %v", act)
	}
	// Every reference points at an object of the document.
	for _, a := range byType["case-investigation:InvestigativeAction"] {
		for _, field := range []string{"uco-action:object", "uco-action:result"} {
			list, _ := a[field].([]any)
			for _, r := range list {
				if id := r.(map[string]any)["@id"].(string); !ids[id] {
					t.Errorf("%s of %s names %s, which is not in the document", field, a["@id"], id)
				}
			}
		}
		for _, field := range []string{"uco-action:performer", "uco-action:instrument"} {
			if id := a[field].(map[string]any)["@id"].(string); !ids[id] {
				t.Errorf("%s of %s names %s", field, a["@id"], id)
			}
		}
	}
}

func keys(m map[string][]map[string]any) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[k] = len(v)
	}
	return out
}
