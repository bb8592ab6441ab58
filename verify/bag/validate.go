package bag

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/custody-app/custody/verify/report"
)

// validator holds the state of one Validate call.
type validator struct {
	ctx  context.Context
	fsys fs.FS
	opt  Options
	rep  *report.Report
	bag  *Bag

	decl declaration
	enc  tagEncoding

	files    map[string]int64 // every regular file → size
	dirs     map[string]bool
	payload  []string // files under data/, sorted
	tags     []string // every other file, sorted
	portable map[string]bool

	oxum      *oxum
	fetch     map[string]bool    // fetch.txt paths
	manifests []*manifest        // payload manifests with a supported algorithm
	tagMans   []*manifest        // tag manifests with a supported algorithm
	wants     []want             // every payload path the manifests list, sorted
	claims    map[string][]*want // payload file on disk → manifest entries
	missing   []*want
	extra     []string
	tagWants  []want // every tag file path the tag manifests list, sorted

	manifestLines int // lines of the manifests read so far
	details       map[string]string
	perCode       map[string]int          // findings recorded per code
	dropped       map[string]*droppedInfo // findings left out per code
}

// maxPerCode bounds the findings kept per code, so that a hostile bag (a
// manifest of a million unsafe paths) cannot fill memory with them.
const maxPerCode = 1000

type droppedInfo struct {
	n   int
	sev report.Severity
}

// Validate checks the bag whose top folder is the root of fsys against RFC
// 8493 and reports every problem it finds, not only the first. fsys may be
// a folder (OpenDir), a zip (OpenZip) or any other fs.FS.
//
// The verdict is INVALID when the bag cannot be read as a valid bag
// (structure, unsafe paths, malformed tag files), TAMPERED when it can but
// files or bytes differ from its manifests, COULD NOT READ when only I/O
// errors stood in the way, CANCELLED when ctx ended first, and otherwise NO
// PROVENANCE: a valid bag, which the provenance check may upgrade when its
// custody/ tag files verify.
func Validate(ctx context.Context, fsys fs.FS, opt Options) (*Bag, *report.Report) {
	v := &validator{
		ctx: ctx, fsys: fsys, opt: opt,
		rep:      &report.Report{Subject: opt.Subject},
		bag:      &Bag{Payload: map[string]*File{}},
		enc:      utf8Encoding,
		files:    map[string]int64{},
		dirs:     map[string]bool{},
		portable: map[string]bool{},
		fetch:    map[string]bool{},
		claims:   map[string][]*want{},
		details:  map[string]string{},
		perCode:  map[string]int{},
		dropped:  map[string]*droppedInfo{},
	}
	v.run()
	return v.bag, v.finish()
}

// maxFiles is the cap on the files of the bag, and on the lines of one
// manifest.
func (v *validator) maxFiles() int {
	if v.opt.MaxFiles > 0 {
		return v.opt.MaxFiles
	}
	return defaultMaxFile
}

func (v *validator) add(f report.Finding) {
	if v.perCode[f.Code]++; v.perCode[f.Code] > maxPerCode {
		d := v.dropped[f.Code]
		if d == nil {
			d = &droppedInfo{sev: f.Severity}
			v.dropped[f.Code] = d
		}
		d.n++
		return
	}
	v.rep.Add(f)
}

func (v *validator) run() {
	v.walk()
	if v.ctx.Err() != nil {
		return
	}
	v.readBagitTxt()
	if !v.dirs["data"] {
		v.add(report.Finding{Code: PayloadDirMissing, Path: "data",
			Message: "the bag has no data/ folder, where BagIt keeps the payload"})
	}
	v.readBagInfo()
	v.readFetch()
	v.readManifests()
	v.matchPayload()
	v.checkOxum()
	v.matchTags()
	if v.ctx.Err() != nil {
		return
	}
	v.hashAndCompare()
	v.fillBag()
}

// readBagitTxt checks the bag declaration and sets the tag encoding.
func (v *validator) readBagitTxt() {
	if _, ok := v.files["bagit.txt"]; !ok {
		v.add(report.Finding{Code: BagitTxtMissing, Path: "bagit.txt",
			Message: "the bag has no bagit.txt, so it is not a BagIt bag (or the wrong folder was given: pick the folder that holds bagit.txt and data/)"})
		return
	}
	data, err := readSmall(v.fsys, "bagit.txt", maxBagitTxt)
	if errors.Is(err, errTooLarge) {
		v.add(report.Finding{Code: BagitTxtInvalid, Path: "bagit.txt",
			Message: fmt.Sprintf("bagit.txt is larger than %d bytes; it should hold two short lines", maxBagitTxt)})
		return
	}
	if err != nil {
		v.readError("bagit.txt", err)
		return
	}
	decl, issues := parseBagitTxt(data)
	v.addIssues("bagit.txt", issues)
	v.decl = decl
	v.bag.Version = decl.version
	v.bag.Encoding = decl.encoding
	if decl.encoding != "" {
		enc, err := lookupEncoding(decl.encoding)
		if err != nil {
			v.add(report.Finding{Code: TagEncodingUnsupported, Path: "bagit.txt", Found: decl.encoding,
				Message: fmt.Sprintf("%v; tag files were read as UTF-8", err)})
		} else {
			v.enc = enc
		}
	}
	v.details[CheckBagitTxt] = fmt.Sprintf("BagIt %s, tag files in %s", orNone(decl.version), orNone(decl.encoding))
}

// atLeast1 reports whether the bag follows BagIt 1.0 rules (also when the
// version is unknown: then the strictest rules apply).
func (v *validator) atLeast1() bool {
	return !strings.HasPrefix(v.decl.version, "0.")
}

func (v *validator) addIssues(file string, issues []issue) {
	for _, is := range issues {
		msg := is.msg
		if is.line > 0 && !strings.Contains(msg, "line") {
			msg = fmt.Sprintf("line %d: %s", is.line, msg)
		}
		if !strings.HasPrefix(msg, file) {
			msg = file + ": " + msg
		}
		v.add(report.Finding{Code: is.code, Severity: is.sev, Path: file, Expected: is.expected, Found: is.found, Message: msg})
	}
}

func (v *validator) readError(p string, err error) {
	v.add(report.Finding{Code: ReadFailed, Severity: report.IOError, Path: p,
		Message: fmt.Sprintf("could not read %s: %v", display(p), cause(err))})
}

// finish sorts the report, records the checks and sets the verdict.
func (v *validator) finish() *report.Report {
	r := v.rep
	for code, d := range v.dropped {
		r.Add(report.Finding{Code: code, Severity: d.sev,
			Message: fmt.Sprintf("%d more findings with the code %s were found but not listed", d.n, code)})
	}
	r.Sort()
	failed := map[string]int{}
	invalid, tampered, ioErr := false, false, false
	for _, f := range r.Findings {
		info, known := codeInfo[f.Code]
		check := info.check
		if (f.Code == ReadFailed || f.Code == ZipChecksum) && f.Path != "" && !strings.HasPrefix(f.Path, "data/") {
			check = CheckTags
		}
		failed[check]++
		switch {
		case f.Severity == report.IOError:
			ioErr = true
		case !known || info.class == classInvalid:
			invalid = true
		default:
			tampered = true
		}
	}
	for _, name := range []string{CheckBagitTxt, CheckBagInfo, CheckManifests, CheckCompleteness, CheckPayload, CheckTags} {
		detail := v.details[name]
		if n := failed[name]; n > 0 {
			detail = plural(n, "problem") + ". " + detail
		}
		r.AddCheck(name, failed[name] == 0, strings.TrimSpace(detail))
	}
	switch {
	case v.ctx.Err() != nil:
		r.Verdict = report.Cancelled
	case invalid:
		r.Verdict = report.Invalid
	case tampered:
		r.Verdict = report.Tampered
	case ioErr:
		r.Verdict = report.Unreadable
	default:
		r.Verdict = report.NoProvenance
	}
	return r
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func orNone(s string) string {
	if s == "" {
		return "(not given)"
	}
	return s
}
