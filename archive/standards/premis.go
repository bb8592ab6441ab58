// Package standards writes an archive's documents and provenance events
// in the formats other systems read: PREMIS 3 XML (premis.go), which
// preservation archives keep (Archivematica, E-ARK packages), and
// CASE/UCO JSON-LD (caseuco.go), which forensic tools exchange.
//
// Both are the archivist's own export: they show every field of every
// event as recorded, sources and notes included, with none of the
// disclosure rules of bundles and proofs. They are for the archive's own
// systems, not for strangers; a stranger gets a bundle or a certificate.
package standards

// PREMIS: one object per document, one event per log event, one agent
// per signer (namespace http://www.loc.gov/premis/v3, version 3.0).
// Event types are mapped to the Library of Congress preservation
// vocabulary (id.loc.gov/vocabulary/preservation/eventType), each with
// its valueURI; the mapping is in eventType.

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/custody-app/custody/archive/provenance"
)

// Namespace and Version are PREMIS 3.0's.
const (
	Namespace = "http://www.loc.gov/premis/v3"
	Version   = "3.0"
	vocab     = "http://id.loc.gov/vocabulary/preservation/"
)

// Doc is one document to describe.
type Doc struct {
	ID        string // SHA-256, 64 hex digits
	Size      int64
	MediaType string
	Names     []string
}

// Event is one log event with its index.
type Event struct {
	Index int64
	Event *provenance.Event
}

// Signer is the key that signed the log: the archivist.
type Signer struct {
	Fingerprint  string
	KeyName      string // the key's name in its signatures: the actor of its events
	Name         string
	Organisation string
	VerifierKey  string
	Origin       string
}

// Input is everything one export describes.
type Input struct {
	Docs   []Doc
	Events []Event
	Signer Signer
	Tool   string // "Custody v1.2.0": the software agent
}

type authority struct {
	Authority    string `xml:"authority,attr,omitempty"`
	AuthorityURI string `xml:"authorityURI,attr,omitempty"`
	ValueURI     string `xml:"valueURI,attr,omitempty"`
	Value        string `xml:",chardata"`
}

func term(list, code, label string) authority {
	return authority{Authority: list, AuthorityURI: vocab + list, ValueURI: vocab + list + "/" + code, Value: label}
}

type premis struct {
	XMLName xml.Name `xml:"premis"`
	NS      string   `xml:"xmlns,attr"`
	XSI     string   `xml:"xmlns:xsi,attr"`
	Version string   `xml:"version,attr"`
	Objects []object `xml:"object"`
	Events  []event  `xml:"event"`
	Agents  []agent  `xml:"agent"`
}

type identifier struct {
	Type  string `xml:"objectIdentifierType"`
	Value string `xml:"objectIdentifierValue"`
}

type object struct {
	XSIType         string          `xml:"xsi:type,attr"`
	Identifier      identifier      `xml:"objectIdentifier"`
	Characteristics characteristics `xml:"objectCharacteristics"`
	OriginalName    string          `xml:"originalName,omitempty"`
}

type characteristics struct {
	CompositionLevel int    `xml:"compositionLevel"`
	Fixity           fixity `xml:"fixity"`
	Size             int64  `xml:"size"`
	Format           format `xml:"format"`
}

type fixity struct {
	Algorithm  authority `xml:"messageDigestAlgorithm"`
	Digest     string    `xml:"messageDigest"`
	Originator string    `xml:"messageDigestOriginator"`
}

type format struct {
	Name string   `xml:"formatDesignation>formatName"`
	Note []string `xml:"formatNote,omitempty"`
}

type event struct {
	IDType   string        `xml:"eventIdentifier>eventIdentifierType"`
	IDValue  string        `xml:"eventIdentifier>eventIdentifierValue"`
	Type     authority     `xml:"eventType"`
	DateTime string        `xml:"eventDateTime"`
	Detail   []detailInfo  `xml:"eventDetailInformation"`
	Outcome  outcome       `xml:"eventOutcomeInformation"`
	Agents   []linkAgent   `xml:"linkingAgentIdentifier"`
	Objects  []linkObjectX `xml:"linkingObjectIdentifier"`
}

type detailInfo struct {
	Detail string `xml:"eventDetail"`
}

type outcome struct {
	Outcome string         `xml:"eventOutcome"`
	Detail  *outcomeDetail `xml:"eventOutcomeDetail"`
}

type outcomeDetail struct {
	Note string `xml:"eventOutcomeDetailNote"`
}

type linkAgent struct {
	Type  string    `xml:"linkingAgentIdentifierType"`
	Value string    `xml:"linkingAgentIdentifierValue"`
	Role  authority `xml:"linkingAgentRole"`
}

type linkObjectX struct {
	Type  string `xml:"linkingObjectIdentifierType"`
	Value string `xml:"linkingObjectIdentifierValue"`
	Role  string `xml:"linkingObjectRole,omitempty"`
}

type agent struct {
	IDType  string    `xml:"agentIdentifier>agentIdentifierType"`
	IDValue string    `xml:"agentIdentifier>agentIdentifierValue"`
	Name    string    `xml:"agentName,omitempty"`
	Type    authority `xml:"agentType"`
	Version string    `xml:"agentVersion,omitempty"`
	Note    []string  `xml:"agentNote,omitempty"`
}

// Identifier types this export uses.
const (
	sha256ID      = "sha256"
	fingerprintID = "Custody key fingerprint"
	logID         = "Custody log event"
	softwareID    = "software"
)

// eventTypes maps an event (type, and a derivation's kind) to the Library
// of Congress term: its code and label.
func eventType(ev *provenance.Event) authority {
	switch ev.Type {
	case provenance.Ingest:
		return term("eventType", "ing", "ingestion")
	case provenance.Derive:
		switch ev.Kind {
		case "redaction":
			return term("eventType", "red", "redaction")
		case "conversion":
			return term("eventType", "mig", "migration")
		case "extraction":
			return term("eventType", "ext", "extraction")
		}
		return term("eventType", "cre", "creation")
	case provenance.Annotate:
		return term("eventType", "mem", "metadata modification")
	case provenance.Export:
		return term("eventType", "dis", "dissemination")
	case provenance.Receive:
		return term("eventType", "tra", "transfer")
	case provenance.Verify:
		if strings.HasPrefix(ev.What, "archive check") {
			return term("eventType", "fix", "fixity check")
		}
		return term("eventType", "val", "validation")
	}
	return authority{Value: ev.Type}
}

// WritePREMIS writes in as one PREMIS document.
func WritePREMIS(w io.Writer, in Input) error {
	if len(in.Docs) == 0 {
		return fmt.Errorf("a PREMIS document describes at least one object; the archive holds no documents yet")
	}
	p := premis{NS: Namespace, XSI: "http://www.w3.org/2001/XMLSchema-instance", Version: Version}
	for _, d := range in.Docs {
		o := object{XSIType: "file", Identifier: identifier{sha256ID, d.ID},
			Characteristics: characteristics{
				Fixity: fixity{Algorithm: term("cryptographicHashFunctions", "sha256", "SHA-256"), Digest: d.ID, Originator: "Custody"},
				Size:   d.Size, Format: format{Name: orUnknown(d.MediaType)}}}
		if len(d.Names) > 0 {
			o.OriginalName = d.Names[0]
			for _, n := range d.Names[1:] {
				o.Characteristics.Format.Note = append(o.Characteristics.Format.Note, "also imported as "+n)
			}
		}
		p.Objects = append(p.Objects, o)
	}
	s := in.Signer
	for _, e := range in.Events {
		p.Events = append(p.Events, describe(e, s))
	}
	note := []string{"verifier key " + s.VerifierKey, "signs the log " + s.Origin}
	if s.Organisation != "" {
		note = append([]string{"organisation: " + s.Organisation}, note...)
	}
	p.Agents = append(p.Agents,
		agent{IDType: fingerprintID, IDValue: s.Fingerprint, Name: s.Name, Type: term("agentType", "per", "person"), Note: note},
		agent{IDType: softwareID, IDValue: in.Tool, Name: "Custody", Type: term("agentType", "sof", "software")})
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(p); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func orUnknown(s string) string {
	if s == "" {
		return "application/octet-stream"
	}
	return s
}

// describe is one log event as a PREMIS event.
func describe(e Event, s Signer) event {
	ev := e.Event
	out := event{IDType: logID, IDValue: fmt.Sprintf("%s#%d", s.Origin, e.Index), Type: eventType(ev), DateTime: ev.Time,
		Outcome: outcome{Outcome: "success"}}
	detail := func(f string, a ...any) { out.Detail = append(out.Detail, detailInfo{fmt.Sprintf(f, a...)}) }
	link := func(id, role string) {
		out.Objects = append(out.Objects, linkObjectX{sha256ID, id, role})
	}
	switch ev.Type {
	case provenance.Ingest:
		detail("imported as %s", ev.Path)
		if ev.Source != "" {
			detail("source: %s", ev.Source)
		}
		link(ev.Doc, "outcome")
	case provenance.Derive:
		detail("%s of %s", ev.Kind, strings.Join(ev.Parents, ", "))
		if ev.Name != "" {
			detail("named %s", ev.Name)
		}
		for _, p := range ev.Parents {
			link(p, "source")
		}
		link(ev.Doc, "outcome")
	case provenance.Annotate:
		if len(ev.Tags) > 0 {
			detail("tags: %s", strings.Join(ev.Tags, ", "))
		}
		link(ev.Doc, "")
	case provenance.Export:
		detail("bundle %s, checkpoint size %d", ev.Bundle, ev.CheckpointSize)
		for _, d := range ev.Docs {
			link(d, "source")
		}
	case provenance.Receive:
		detail("bundle %s from the log %s", ev.Bundle, ev.Origin)
		if ev.Forced {
			out.Outcome = outcome{Outcome: "warning", Detail: &outcomeDetail{"received despite a failed check (--force)"}}
		}
		for _, d := range ev.Docs {
			link(d, "outcome")
		}
	case provenance.Verify:
		detail("%s", ev.What)
		out.Outcome = outcome{Outcome: "success", Detail: &outcomeDetail{ev.Verdict}}
		if !strings.HasPrefix(ev.Verdict, "INTACT") && ev.Verdict != "PROVEN" {
			out.Outcome.Outcome = "failure"
		}
	}
	if ev.Note != "" {
		detail("note: %s", ev.Note)
	}
	out.Agents = []linkAgent{{Type: fingerprintID, Value: s.Fingerprint, Role: term("eventRelatedAgentRole", "imp", "implementer")}}
	return out
}
