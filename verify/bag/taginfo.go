package bag

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/custody-app/custody/archive/pathsafe"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
)

var errLineTooLong = errors.New("a line is longer than the limit")

// readTag opens a tag file, decodes it from the declared encoding and hands
// it to parse, enforcing the size limit. It reports false when the file
// could not be read to the end (the finding is already recorded).
func (v *validator) readTag(name string, limit int64, parse func(io.Reader) error) bool {
	f, err := v.fsys.Open(name)
	if err != nil {
		v.readError(name, err)
		return false
	}
	defer f.Close()
	err = parse(v.enc.reader(&limitReader{r: f, n: limit}))
	switch {
	case err == nil:
		return true
	case errors.Is(err, errTooLarge):
		v.add(report.Finding{Code: TagFileInvalid, Path: name, Expected: fmt.Sprintf("at most %d bytes", limit),
			Message: fmt.Sprintf("%s is larger than %d MiB, the limit for this tag file; it was not read to the end", name, limit>>20)})
	case errors.Is(err, errTooManyLines):
		v.add(report.Finding{Code: LimitExceeded, Path: name,
			Message: fmt.Sprintf("%s: %v, the limit for this tag file; it was not read to the end", name, err)})
	case errors.Is(err, errLineTooLong):
		v.add(report.Finding{Code: TagFileInvalid, Path: name,
			Message: fmt.Sprintf("%s: %v; it was not read to the end", name, err)})
	default:
		v.readError(name, err)
	}
	return false
}

// readBagInfo reads bag-info.txt (or package-info.txt in old bags) and
// checks Payload-Oxum's form.
func (v *validator) readBagInfo() {
	name := "bag-info.txt"
	if _, ok := v.files[name]; !ok {
		name = "package-info.txt"
		if _, ok := v.files[name]; !ok {
			v.details[CheckBagInfo] = "no bag-info.txt (it is optional)"
			return
		}
	}
	v.bag.InfoFile = name
	var fields []Field
	var issues []issue
	v.readTag(name, maxTagFile, func(r io.Reader) error {
		var err error
		fields, issues, err = parseBagInfo(r)
		return err
	})
	v.addIssues(name, issues)
	v.bag.Info = fields
	v.details[CheckBagInfo] = fmt.Sprintf("%s: %s", name, plural(len(fields), "field"))

	oxums := values(fields, "Payload-Oxum")
	if len(oxums) == 0 {
		return
	}
	ox, ok := parseOxum(oxums[0])
	if !ok {
		v.add(report.Finding{Code: OxumMalformed, Path: name, Expected: "BYTES.FILES", Found: oxums[0],
			Message: fmt.Sprintf("%s: Payload-Oxum %q is not of the form BYTES.FILES (such as 5120.3)", name, oxums[0])})
		return
	}
	for _, o := range oxums[1:] {
		if o != oxums[0] {
			v.add(report.Finding{Code: OxumMalformed, Path: name, Expected: oxums[0], Found: o,
				Message: fmt.Sprintf("%s gives Payload-Oxum twice with different values (%s and %s)", name, oxums[0], o)})
			return
		}
	}
	v.oxum = &ox
}

// readFetch reads fetch.txt. Nothing is ever downloaded: its entries only
// explain files that are absent, and unsafe paths make the bag invalid.
func (v *validator) readFetch() {
	const name = "fetch.txt"
	if _, ok := v.files[name]; !ok {
		return
	}
	var count int
	if !v.readTag(name, maxManifest, func(r io.Reader) (err error) {
		count, err = countLines(r)
		return err
	}) {
		return
	}
	if count > v.maxFiles() {
		v.add(report.Finding{Code: LimitExceeded, Path: name, Expected: fmt.Sprintf("at most %d lines", v.maxFiles()), Found: fmt.Sprintf("%d lines", count),
			Message: fmt.Sprintf("%s has %d lines; the limit is %d (as many as a bag may hold files), so it was not read", name, count, v.maxFiles())})
		return
	}
	addIssue := func(is issue) { v.addIssues(name, []issue{is}) }
	v.readTag(name, maxManifest, func(r io.Reader) error {
		return lines(r, func(n int, line string) {
			if n == 1 {
				line, _ = stripBOM(line)
			}
			if strings.TrimSpace(line) == "" || len(v.bag.Fetch) >= count {
				return
			}
			e, raw, ok := parseFetchLine(line)
			if !ok {
				addIssue(problem(FetchLineMalformed, n, "line %d %q is not \"URL LENGTH PATH\"", n, quote.Clip(line)))
				return
			}
			p, ok := v.cleanPath(name, n, raw)
			if !ok {
				return
			}
			if !strings.HasPrefix(p, "data/") {
				v.add(report.Finding{Code: PathUnsafe, Path: raw,
					Message: fmt.Sprintf("fetch.txt line %d would put a download at %s, outside data/; fetch.txt may only name payload files", n, display(raw))})
				return
			}
			e.Path = p
			v.fetch[p] = true
			v.bag.Fetch = append(v.bag.Fetch, e)
		})
	})
}

// parseFetchLine splits "URL LENGTH PATH"; LENGTH is digits or "-".
func parseFetchLine(line string) (FetchEntry, string, bool) {
	url, rest, ok := cutSpace(line)
	if !ok {
		return FetchEntry{}, "", false
	}
	length, raw, ok := cutSpace(rest)
	if !ok || raw == "" {
		return FetchEntry{}, "", false
	}
	e := FetchEntry{URL: url, Length: -1}
	if length != "-" {
		n, err := strconv.ParseInt(length, 10, 64)
		if err != nil || n < 0 || !allDigits(length) {
			return FetchEntry{}, "", false
		}
		e.Length = n
	}
	return e, raw, true
}

// cutSpaceBytes is cutSpace for a line in bytes.
func cutSpaceBytes(s []byte) (before, after []byte, ok bool) {
	i := bytes.IndexAny(s, " \t")
	if i <= 0 {
		return nil, nil, false
	}
	return s[:i], bytes.TrimLeft(s[i:], " \t"), true
}

// cutSpace splits s at the first run of spaces or tabs.
func cutSpace(s string) (before, after string, ok bool) {
	i := strings.IndexAny(s, " \t")
	if i <= 0 {
		return "", "", false
	}
	return s[:i], strings.TrimLeft(s[i:], " \t"), true
}

// cleanPath turns a path as written in a manifest or fetch.txt into the
// path in the bag: a leading "./" is dropped (with a warning), "%25",
// "%0A" and "%0D" are decoded, and the result must be safe on every
// system. It reports false for unsafe paths, which are recorded and must
// not be used.
func (v *validator) cleanPath(file string, line int, raw string) (string, bool) {
	p := raw
	if strings.HasPrefix(p, "./") {
		for strings.HasPrefix(p, "./") {
			p = p[2:]
		}
		v.add(report.Finding{Code: PathDotSlash, Severity: report.Warning, Path: p, Found: raw,
			Message: fmt.Sprintf("%s line %d writes %s with a leading \"./\"; it was read as %s", file, line, display(raw), display(p))})
	}
	p = DecodePath(p)
	if err := pathsafe.CheckBagPath(p); err != nil {
		if errors.Is(err, pathsafe.ErrUnsafe) {
			reason := err.Error()
			var pe *pathsafe.PathError
			if errors.As(err, &pe) {
				reason = pe.Reason
			}
			v.add(report.Finding{Code: PathUnsafe, Path: raw,
				Message: fmt.Sprintf("%s line %d lists %s, which is unsafe: %s. Nothing at that path was opened", file, line, display(raw), reason)})
			return "", false
		}
		v.portability(p, err)
	}
	return p, true
}
