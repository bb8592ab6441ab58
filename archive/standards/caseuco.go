package standards

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/custody-app/custody/archive/provenance"
)

// CASE/UCO 1.4 JSON-LD: a uco-core:Bundle holding one uco-observable:File
// per document (its SHA-256 in a ContentDataFacet, its names in
// FileFacets), one case-investigation:ProvenanceRecord per document, the
// archivist as a uco-identity:Person, Custody as a uco-tool:Tool, and one
// case-investigation:InvestigativeAction per log event: who performed it
// with what, on which documents (object), producing which (result).

// CASEVersion is the ontology version the export declares.
const CASEVersion = "CASE 1.4.0"

// CASEContext is the JSON-LD @context of the export.
var CASEContext = map[string]string{
	"kb":                 "urn:custody:kb:",
	"case-investigation": "https://ontology.caseontology.org/case/investigation/",
	"uco-action":         "https://ontology.unifiedcyberontology.org/uco/action/",
	"uco-core":           "https://ontology.unifiedcyberontology.org/uco/core/",
	"uco-identity":       "https://ontology.unifiedcyberontology.org/uco/identity/",
	"uco-observable":     "https://ontology.unifiedcyberontology.org/uco/observable/",
	"uco-tool":           "https://ontology.unifiedcyberontology.org/uco/tool/",
	"uco-types":          "https://ontology.unifiedcyberontology.org/uco/types/",
	"uco-vocabulary":     "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
	"xsd":                "http://www.w3.org/2001/XMLSchema#",
}

type node = map[string]any

func ref(id string) node { return node{"@id": id} }

func typed(t string, v any) node { return node{"@type": t, "@value": v} }

// WriteCASE writes in as one CASE/UCO JSON-LD document.
func WriteCASE(w io.Writer, in Input) error {
	archive := "kb:archive-" + idPart(in.Signer.Fingerprint)
	person := "kb:person-" + idPart(in.Signer.Fingerprint)
	tool := "kb:tool-custody"
	objects := []any{
		node{"@id": person, "@type": "uco-identity:Person", "uco-core:name": in.Signer.Name,
			"uco-core:description": strings.TrimSpace(fmt.Sprintf("archivist; key fingerprint %s; %s", in.Signer.Fingerprint, in.Signer.Organisation))},
		node{"@id": tool, "@type": "uco-tool:Tool", "uco-core:name": "Custody", "uco-tool:version": in.Tool,
			"uco-tool:toolType": "preservation"},
	}
	for _, d := range in.Docs {
		facets := []any{node{"@id": "kb:content-facet-" + d.ID, "@type": "uco-observable:ContentDataFacet",
			"uco-observable:mimeType":    orUnknown(d.MediaType),
			"uco-observable:sizeInBytes": typed("xsd:integer", d.Size),
			"uco-observable:hash": []any{node{"@id": "kb:hash-" + d.ID, "@type": "uco-types:Hash",
				"uco-types:hashMethod": typed("uco-vocabulary:HashNameVocab", "SHA256"),
				"uco-types:hashValue":  typed("xsd:hexBinary", strings.ToUpper(d.ID))}}}}
		for i, n := range d.Names {
			facets = append(facets, node{"@id": fmt.Sprintf("kb:file-facet-%s-%d", d.ID, i), "@type": "uco-observable:FileFacet",
				"uco-observable:fileName": n, "uco-observable:sizeInBytes": typed("xsd:integer", d.Size)})
		}
		objects = append(objects,
			node{"@id": "kb:file-" + d.ID, "@type": "uco-observable:File", "uco-core:hasFacet": facets},
			node{"@id": "kb:provenance-record-" + d.ID, "@type": "case-investigation:ProvenanceRecord",
				"case-investigation:exhibitNumber": d.ID[:12], "uco-core:object": []any{ref("kb:file-" + d.ID)},
				"uco-core:description": "kept in the Custody archive whose log is " + in.Signer.Origin})
	}
	for _, e := range in.Events {
		objects = append(objects, action(e, person, tool))
	}
	doc := node{"@context": CASEContext, "@id": archive, "@type": "uco-core:Bundle", "uco-core:specVersion": CASEVersion,
		"uco-core:description": "The provenance log of a Custody archive (" + in.Signer.Origin + "), exported by its archivist",
		"uco-core:object":      objects}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func idPart(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "")) }

// action is one log event as an investigative action.
func action(e Event, person, tool string) node {
	ev := e.Event
	var objs, results []any
	file := func(id string) any { return ref("kb:file-" + id) }
	desc := []string{}
	switch ev.Type {
	case provenance.Ingest:
		results = append(results, file(ev.Doc), ref("kb:provenance-record-"+ev.Doc))
		desc = append(desc, "imported as "+ev.Path)
		if ev.Source != "" {
			desc = append(desc, "source: "+ev.Source)
		}
	case provenance.Derive:
		for _, p := range ev.Parents {
			objs = append(objs, file(p))
		}
		results = append(results, file(ev.Doc), ref("kb:provenance-record-"+ev.Doc))
		desc = append(desc, ev.Kind)
	case provenance.Annotate:
		objs = append(objs, file(ev.Doc))
		if len(ev.Tags) > 0 {
			desc = append(desc, "tags: "+strings.Join(ev.Tags, ", "))
		}
	case provenance.Export:
		for _, d := range ev.Docs {
			objs = append(objs, file(d))
		}
		desc = append(desc, "bundle "+ev.Bundle)
	case provenance.Receive:
		for _, d := range ev.Docs {
			results = append(results, file(d))
		}
		desc = append(desc, "bundle "+ev.Bundle+" from the log "+ev.Origin)
	case provenance.Verify:
		desc = append(desc, ev.What, "verdict: "+ev.Verdict)
	}
	if ev.Note != "" {
		desc = append(desc, "note: "+ev.Note)
	}
	n := node{"@id": fmt.Sprintf("kb:action-%d", e.Index), "@type": "case-investigation:InvestigativeAction",
		"uco-core:name": eventType(ev).Value, "uco-core:description": strings.Join(desc, "; "),
		"uco-action:startTime": typed("xsd:dateTime", ev.Time), "uco-action:endTime": typed("xsd:dateTime", ev.Time),
		"uco-action:performer": ref(person), "uco-action:instrument": ref(tool)}
	if objs != nil {
		n["uco-action:object"] = objs
	}
	if results != nil {
		n["uco-action:result"] = results
	}
	return n
}
