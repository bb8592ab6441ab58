package bundlewriter

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/custody-app/custody/archive/bundleformat"
	"hash"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/bagdigest"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/errcode"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/provenance"
	tlog "golang.org/x/mod/sumdb/tlog"
)

// bagWriter writes files into a sink and remembers their checksums for
// the manifests.
type bagWriter struct {
	s      sink
	sha512 bool
	page   []byte // custody/verify.html, when added
	files  []sums // payload, in write order
	tags   []sums
	stamps [][]byte // RFC 3161 tokens over the checkpoint
}

type sums struct {
	path           string
	sha256, sha512 string
}

// tag writes one tag file (deflated in a zip), hashing it on the way.
func (w *bagWriter) tag(name string, fn func(io.Writer) error) error {
	dst, err := w.s.create(name, true)
	if err != nil {
		return err
	}
	h256 := bagdigest.SHA256.New()
	var h512 hash.Hash
	outs := []io.Writer{dst, h256}
	if w.sha512 {
		h512 = bagdigest.SHA512.New()
		outs = append(outs, h512)
	}
	bw := bufio.NewWriterSize(io.MultiWriter(outs...), 64<<10)
	if err := fn(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	s := sums{path: name, sha256: hex.EncodeToString(h256.Sum(nil))}
	if h512 != nil {
		s.sha512 = hex.EncodeToString(h512.Sum(nil))
	}
	w.tags = append(w.tags, s)
	return nil
}

// EncodePath writes a file path the way RFC 8493 §2.1.3 wants it in a
// manifest or fetch.txt line: "%" becomes "%25", a line feed "%0A" and a
// carriage return "%0D". Nothing else is encoded (spaces stay spaces).
// verify/bag's DecodePath reads it back.
func EncodePath(p string) string {
	if !strings.ContainsAny(p, "%\r\n") {
		return p
	}
	var b strings.Builder
	b.Grow(len(p) + 8)
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '%':
			b.WriteString("%25")
		case '\n':
			b.WriteString("%0A")
		case '\r':
			b.WriteString("%0D")
		default:
			b.WriteByte(p[i])
		}
	}
	return b.String()
}

// manifest writes the payload manifest of one algorithm: "CHECKSUM  PATH"
// per file (two spaces, as sha256sum writes), sorted by path, paths
// percent-encoded as RFC 8493 §2.1.3 asks.
func (w *bagWriter) manifest(out io.Writer, alg string) error {
	return writeManifest(out, w.files, alg)
}

func writeManifest(out io.Writer, list []sums, alg string) error {
	sorted := slices.Clone(list)
	slices.SortFunc(sorted, func(a, b sums) int { return strings.Compare(a.path, b.path) })
	for _, s := range sorted {
		sum := s.sha256
		if alg == bagdigest.SHA512.Name {
			sum = s.sha512
		}
		if _, err := fmt.Fprintf(out, "%s  %s\n", sum, EncodePath(s.path)); err != nil {
			return err
		}
	}
	return nil
}

// tagManifests writes the tag manifests, last, covering every tag file.
func (w *bagWriter) tagManifests() error {
	algs := []string{bagdigest.SHA256.Name}
	if w.sha512 {
		algs = append(algs, bagdigest.SHA512.Name)
	}
	tags := slices.Clone(w.tags)
	for _, alg := range algs {
		dst, err := w.s.create("tagmanifest-"+alg+".txt", true)
		if err != nil {
			return err
		}
		if err := writeManifest(dst, tags, alg); err != nil {
			return err
		}
	}
	return nil
}

// writeNames writes custody/names.tsv: per payload file, sorted by path,
// "PATH<TAB>DOC<TAB>ORIGINAL NAME", PATH encoded as in the manifests and
// the name with EncodeName.
func writeNames(out io.Writer, recs []*catalog.Record, paths []string) error {
	type line struct{ path, doc, name string }
	lines := make([]line, len(recs))
	for i, r := range recs {
		name := r.ID
		if len(r.Names) > 0 {
			name = r.Names[0].Bytes()
		}
		lines[i] = line{paths[i], r.ID, name}
	}
	slices.SortFunc(lines, func(a, b line) int { return strings.Compare(a.path, b.path) })
	for _, l := range lines {
		if _, err := fmt.Fprintf(out, "%s\t%s\t%s\n", EncodePath(l.path), l.doc, bundleformat.EncodeName(l.name)); err != nil {
			return err
		}
	}
	return nil
}

// writeBagInfo writes bag-info.txt. Values come from the archivist's
// identity and are made single-line.
func writeBagInfo(out io.Writer, a *archive.Archive, res *Result, t time.Time) error {
	pub := a.Public()
	fields := [][2]string{
		{"Bag-Software-Agent", agent()},
		{"Bagging-Date", t.UTC().Format("2006-01-02")},
		{"External-Identifier", res.ID},
		{"External-Description", fmt.Sprintf("Custody bundle of %d documents with their provenance (custody/)", len(res.Files))},
		{"Payload-Oxum", fmt.Sprintf("%d.%d", res.Bytes, len(res.Files))},
		{"Source-Organization", pub.Organisation},
		{"Contact-Name", pub.Name},
	}
	for _, f := range fields {
		v := oneLine(f[1])
		if v == "" {
			continue
		}
		if _, err := fmt.Fprintf(out, "%s: %s\n", f[0], v); err != nil {
			return err
		}
	}
	return nil
}

func agent() string {
	v := ""
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = " " + bi.Main.Version
	}
	return "Custody" + v
}

// oneLine replaces control characters (line breaks among them) by spaces.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s))
}

// eventLine is one line of events.jsonl.
type eventLine struct {
	Index int64                `json:"index"`
	Event string               `json:"event"`
	Open  []provenance.Opening `json:"open,omitempty"`
}

// discloseEvents reads the events at idx and returns each as it leaves:
// its leaf bytes and the openings of what choices and shown disclose.
func discloseEvents(a *archive.Archive, idx []int64, choices provenance.Choices, shown func(string) bool) ([]provenance.ProvenEvent, error) {
	out := make([]provenance.ProvenEvent, 0, len(idx))
	for _, i := range idx {
		b, err := logstore.ReadEvent(a.DB(), i)
		if err != nil {
			return nil, err
		}
		ev, err := provenance.ParseEvent(b)
		if err != nil {
			return nil, errcode.Wrap(errcode.ArchiveDamaged, err, fmt.Sprintf("event %d of the archive's log cannot be read", i))
		}
		pe, err := logstore.Disclosed(ev, b, choices.For(ev, shown))
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		pe.Index = i
		out = append(out, pe)
	}
	return out, nil
}

// writeEvents writes custody/events.jsonl: one
// {"index":N,"event":"…","open":[…]} per line, by increasing index: the
// event's leaf bytes as a JSON string, and the openings of its disclosed
// fields.
func writeEvents(ctx context.Context, out io.Writer, events []provenance.ProvenEvent) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for _, e := range events {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := enc.Encode(eventLine{e.Index, string(e.Event), e.Open}); err != nil {
			return err
		}
	}
	return nil
}

type proofLine struct {
	Index int64    `json:"index"`
	Proof []string `json:"proof"`
}

// writeProofs writes custody/proofs.json with an inclusion proof per
// event, checking each against the checkpoint first: a damaged log must
// not go out looking tampered.
func writeProofs(ctx context.Context, out io.Writer, a *archive.Archive, events []provenance.ProvenEvent, cp *provenance.Checkpoint) error {
	if _, err := fmt.Fprintf(out, "{\"format\":%q,\"checkpoint_size\":%d,\"proofs\":[", bundleformat.ProofsFormat, cp.Size); err != nil {
		return err
	}
	prover, err := logstore.NewProver(a.DB(), cp.Size)
	if err != nil {
		return err
	}
	defer prover.Close()
	for k, e := range events {
		if err := ctx.Err(); err != nil {
			return err
		}
		i := e.Index
		p, err := prover.Prove(i)
		if err != nil {
			return err
		}
		if err := provenance.CheckEvent(cp, i, e.Event, p); err != nil {
			return errcode.Wrap(errcode.ArchiveDamaged, err, fmt.Sprintf("the archive's log does not match its own checkpoint at event %d", i))
		}
		line, _ := json.Marshal(proofLine{i, hashes(p)})
		sep := ",\n"
		if k == 0 {
			sep = "\n"
		}
		if _, err := fmt.Fprintf(out, "%s%s", sep, line); err != nil {
			return err
		}
	}
	_, err = io.WriteString(out, "\n]}\n")
	return err
}

type consistencyLine struct {
	Size       int64    `json:"size"`
	Checkpoint string   `json:"checkpoint"`
	Proof      []string `json:"proof"`
}

// writeConsistency writes custody/consistency.json: for every checkpoint
// exported before, its signed note and the proof that the bundle's
// checkpoint extends it.
func writeConsistency(out io.Writer, a *archive.Archive, from []int64, cp *provenance.Checkpoint) error {
	if _, err := fmt.Fprintf(out, "{\"format\":%q,\"checkpoint_size\":%d,\"earlier\":[", bundleformat.ConsistencyFormat, cp.Size); err != nil {
		return err
	}
	stored, err := logstore.Checkpoints(a.DB())
	if err != nil {
		return err
	}
	notes := map[int64][]byte{}
	for _, c := range stored {
		notes[c.Size] = c.Note
	}
	first := true
	for _, s := range from {
		note, ok := notes[s]
		if !ok {
			return errcode.New(errcode.ArchiveDamaged, fmt.Sprintf("the checkpoint of size %d that went out in an earlier bundle is missing from the log", s))
		}
		p, err := logstore.ConsistencyProof(a.DB(), s, cp.Size)
		if err != nil {
			return err
		}
		var buf strings.Builder
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(consistencyLine{s, string(note), hashes(p)}); err != nil {
			return err
		}
		sep := ",\n"
		if first {
			sep, first = "\n", false
		}
		if _, err := fmt.Fprintf(out, "%s%s", sep, strings.TrimSuffix(buf.String(), "\n")); err != nil {
			return err
		}
	}
	_, err = io.WriteString(out, "\n]}\n")
	return err
}

func hashes(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}
