package bundlewriter

import (
	"bytes"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/custody-app/custody/archive"
)

// An OCFL bundle (Options.Format "ocfl") is the same selection, the same
// payload and the same provenance files as a BagIt bundle, laid out as an
// OCFL 1.1 object of one version (docs/bundle-format.md, "OCFL bundles"):
//
//	0=ocfl_object_1.1
//	inventory.json, inventory.json.sha512
//	v1/inventory.json, v1/inventory.json.sha512
//	v1/content/NAME                       the documents (data/NAME in a bag)
//	extensions/custody-provenance/FILE    the bag's custody/FILE
//
// The bag's own files (bagit.txt, bag-info.txt, the manifests) are not
// written: the inventory does their job. Its manifest is SHA-512, as the
// specification prefers, and its fixity block gives every file's SHA-256,
// the document ID a receiver checks the provenance with.

// FormatOCFL names the OCFL layout in Options.Format.
const FormatOCFL = "ocfl"

// OCFLExtension is the extension folder holding the provenance files.
const OCFLExtension = "extensions/custody-provenance"

// ocflName maps a bag path to the object's path: "" drops the file.
func ocflName(name string) string {
	switch {
	case strings.HasPrefix(name, "data/"):
		return "v1/content/" + name[len("data/"):]
	case strings.HasPrefix(name, "custody/"):
		return OCFLExtension + "/" + name[len("custody/"):]
	}
	return "" // bagit.txt, bag-info.txt, manifests: the inventory replaces them
}

// ocflSink renames a bag's files into an OCFL object's layout.
type ocflSink struct{ sink }

func (o ocflSink) create(name string, compress bool) (io.Writer, error) {
	if strings.HasPrefix(name, "0=") || strings.Contains(name, "inventory.json") {
		return o.sink.create(name, compress)
	}
	n := ocflName(name)
	if n == "" {
		return io.Discard, nil
	}
	return o.sink.create(n, compress)
}

// ocflParallelSink is an ocflSink over a sink that writes payload files
// concurrently.
type ocflParallelSink struct {
	ocflSink
	p parallelSink
}

func (o ocflParallelSink) open(name string) (io.WriteCloser, error) {
	return o.p.open(ocflName(name))
}

func wrapOCFL(s sink) sink {
	if p, ok := s.(parallelSink); ok {
		return ocflParallelSink{ocflSink{s}, p}
	}
	return ocflSink{s}
}

type ocflUser struct {
	Name    string `json:"name"`
	Address string `json:"address,omitempty"`
}

type ocflVersion struct {
	Created string              `json:"created"`
	State   map[string][]string `json:"state"`
	Message string              `json:"message"`
	User    ocflUser            `json:"user"`
}

type ocflInventory struct {
	ID              string                         `json:"id"`
	Type            string                         `json:"type"`
	DigestAlgorithm string                         `json:"digestAlgorithm"`
	Head            string                         `json:"head"`
	Manifest        map[string][]string            `json:"manifest"`
	Versions        map[string]ocflVersion         `json:"versions"`
	Fixity          map[string]map[string][]string `json:"fixity"`
}

// writeOCFL writes the declaration, the inventory and its copy in v1,
// each with its sidecar, from the payload's checksums.
func (w *bagWriter) writeOCFL(a *archive.Archive, res *Result, t time.Time) error {
	pub := a.Public()
	user := ocflUser{Name: oneLine(pub.Name)}
	if user.Name == "" {
		user.Name = oneLine(pub.Organisation)
	}
	if user.Name == "" {
		user.Name = "Custody"
	}
	if pub.Fingerprint != "" {
		// The key's fingerprint, which the bundle's key file gives anyway.
		user.Address = "urn:custody:key:" + pub.Fingerprint
	}
	inv := ocflInventory{
		ID: "urn:uuid:" + res.ID, Type: "https://ocfl.io/1.1/spec/#inventory",
		DigestAlgorithm: "sha512", Head: "v1",
		Manifest: map[string][]string{},
		Fixity:   map[string]map[string][]string{"sha256": {}},
	}
	state := map[string][]string{}
	for _, f := range w.files {
		if f.sha512 == "" {
			return fmt.Errorf("internal error: no SHA-512 for %s", f.path)
		}
		content := ocflName(f.path)
		inv.Manifest[f.sha512] = append(inv.Manifest[f.sha512], content)
		inv.Fixity["sha256"][f.sha256] = append(inv.Fixity["sha256"][f.sha256], content)
		state[f.sha512] = append(state[f.sha512], f.path[len("data/"):])
	}
	inv.Versions = map[string]ocflVersion{"v1": {
		Created: t.UTC().Format(time.RFC3339), State: state, User: user,
		Message: fmt.Sprintf("Custody bundle of %d documents; their provenance is in %s", len(res.Files), OCFLExtension),
	}}
	b, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	sum := sha512.Sum512(b)
	side := hex.EncodeToString(sum[:]) + " inventory.json\n"
	for _, f := range []struct{ name, body string }{
		{"0=ocfl_object_1.1", "ocfl_object_1.1\n"},
		{"inventory.json", string(b)},
		{"inventory.json.sha512", side},
		{"v1/inventory.json", string(b)},
		{"v1/inventory.json.sha512", side},
	} {
		out, err := w.s.create(f.name, true)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, bytes.NewReader([]byte(f.body))); err != nil {
			return err
		}
	}
	return nil
}
