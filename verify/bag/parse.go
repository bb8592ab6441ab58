package bag

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/verify/report"
)

// issue is a finding before it is tied to a file: parsers return issues,
// and the caller adds the tag file's name.
type issue struct {
	code     string
	sev      report.Severity
	line     int
	expected string
	found    string
	msg      string
}

func problem(code string, line int, format string, a ...any) issue {
	return issue{code: code, sev: report.Problem, line: line, msg: fmt.Sprintf(format, a...)}
}

func warning(code string, line int, format string, a ...any) issue {
	return issue{code: code, sev: report.Warning, line: line, msg: fmt.Sprintf(format, a...)}
}

// declaration is what bagit.txt says.
type declaration struct {
	version  string
	encoding string
}

var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

// knownVersions are the BagIt versions whose rules this verifier applies.
var knownVersions = map[string]bool{
	"0.93": true, "0.94": true, "0.95": true, "0.96": true, "0.97": true, "1.0": true,
}

const (
	labelVersion  = "BagIt-Version"
	labelEncoding = "Tag-File-Character-Encoding"
)

// parseBagitTxt checks bagit.txt against RFC 8493 §2.1.1: UTF-8 without a
// byte-order mark, exactly the two lines "BagIt-Version: M.N" and
// "Tag-File-Character-Encoding: ENCODING", in that order.
func parseBagitTxt(data []byte) (declaration, []issue) {
	var d declaration
	var out []issue
	if rest, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf")); ok {
		out = append(out, problem(BagitTxtInvalid, 1, "bagit.txt starts with a byte-order mark (BOM), which BagIt forbids; save it as UTF-8 without a BOM"))
		data = rest
	}
	if !utf8.Valid(data) {
		out = append(out, problem(BagitTxtInvalid, 0, "bagit.txt is not valid UTF-8"))
	}
	var got []string // labels in the order found
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Split(splitLines)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			out = append(out, warning(BagitTxtInvalid, n, "bagit.txt has an empty line %d; it should hold exactly two lines", n))
			continue
		}
		label, value, ok := strings.Cut(line, ":")
		if !ok {
			out = append(out, problem(BagitTxtInvalid, n, "bagit.txt line %d %q is not \"Label: value\"", n, line))
			continue
		}
		if trimmed := strings.TrimRight(label, " \t"); trimmed != label {
			out = append(out, problem(BagitTxtInvalid, n, "bagit.txt line %d has a space before the colon (%q); the format is fixed: %q", n, line, trimmed+": ..."))
			label = trimmed
		}
		canon := label
		switch {
		case strings.EqualFold(label, labelVersion):
			canon = labelVersion
		case strings.EqualFold(label, labelEncoding):
			canon = labelEncoding
		default:
			out = append(out, problem(BagitTxtInvalid, n, "bagit.txt line %d has the unknown label %q; only %s and %s are allowed", n, label, labelVersion, labelEncoding))
			continue
		}
		if canon != label {
			out = append(out, warning(BagitTxtInvalid, n, "bagit.txt line %d writes %q as %q", n, canon, label))
		}
		switch {
		case strings.TrimSpace(value) == "":
			out = append(out, problem(BagitTxtInvalid, n, "bagit.txt line %d has no value after the colon", n))
		case value[0] != ' ' && value[0] != '\t':
			out = append(out, warning(BagitTxtInvalid, n, "bagit.txt line %d has no space after the colon", n))
		case strings.TrimLeft(value, " \t") != value[1:]:
			out = append(out, warning(BagitTxtInvalid, n, "bagit.txt line %d has more than one space after the colon", n))
		}
		if strings.TrimRight(value, " \t") != value {
			out = append(out, warning(BagitTxtInvalid, n, "bagit.txt line %d ends with a space", n))
		}
		value = strings.TrimSpace(value)
		for _, g := range got {
			if g == canon {
				out = append(out, problem(BagitTxtInvalid, n, "bagit.txt gives %s twice", canon))
			}
		}
		got = append(got, canon)
		if canon == labelVersion && d.version == "" {
			d.version = value
		}
		if canon == labelEncoding && d.encoding == "" {
			d.encoding = value
		}
	}
	switch {
	case d.version == "" && !hasLabel(got, labelVersion):
		out = append(out, problem(BagitTxtInvalid, 0, "bagit.txt lacks the required line \"%s: M.N\"", labelVersion))
	case !versionRE.MatchString(d.version):
		out = append(out, issue{code: BagitVersionInvalid, sev: report.Problem, expected: "M.N", found: d.version,
			msg: fmt.Sprintf("BagIt-Version %q is not of the form M.N (such as 1.0 or 0.97)", d.version)})
	case !knownVersions[d.version]:
		out = append(out, issue{code: BagitVersionUnsupported, sev: report.Problem, expected: "0.93 to 0.97, or 1.0", found: d.version,
			msg: fmt.Sprintf("BagIt-Version %s is not a version this verifier knows (0.93 to 0.97, 1.0)", d.version)})
	}
	if !hasLabel(got, labelEncoding) {
		out = append(out, problem(BagitTxtInvalid, 0, "bagit.txt lacks the required line \"%s: UTF-8\"", labelEncoding))
	}
	if len(got) == 2 && got[0] != labelVersion {
		out = append(out, problem(BagitTxtInvalid, 1, "bagit.txt must give %s first, then %s", labelVersion, labelEncoding))
	}
	return d, out
}

func hasLabel(got []string, label string) bool {
	for _, g := range got {
		if g == label {
			return true
		}
	}
	return false
}

// Field is one bag-info.txt element. Labels keep their spelling; repeated
// labels are kept in file order.
type Field struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// nonRepeatable are bag-info labels RFC 8493 §2.2.2 allows once only.
var nonRepeatable = []string{"Bagging-Date", "Bag-Size", "Payload-Oxum", "Bag-Group-Identifier", "Bag-Count"}

// parseBagInfo reads bag-info.txt text (already UTF-8): "Label: value"
// lines, values folded onto following lines that start with whitespace.
func parseBagInfo(r io.Reader) ([]Field, []issue, error) {
	var fields []Field
	var out []issue
	var folded []string // the last field's value and its continuations
	fold := func() {
		if len(folded) > 0 {
			fields[len(fields)-1].Value = strings.TrimSpace(strings.Join(folded, " "))
		}
		folded = folded[:0]
	}
	count := 0
	err := lineBytes(r, func(n int, b []byte) bool {
		line := string(b)
		if n == 1 {
			var bom bool
			if line, bom = stripBOM(line); bom {
				out = append(out, warning(TagFileBOM, 1, "starts with a byte-order mark (BOM); it was ignored"))
			}
		}
		if strings.TrimSpace(line) == "" {
			return true
		}
		if count++; count > maxInfoLines {
			return false
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(fields) == 0 {
				out = append(out, problem(BagInfoLineMalformed, n, "line %d starts with a space but there is no field before it to continue", n))
				return true
			}
			folded = append(folded, strings.TrimSpace(line))
			return true
		}
		label, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(label) == "" {
			out = append(out, problem(BagInfoLineMalformed, n, "line %d %q is not \"Label: value\"", n, quote.Clip(line)))
			return true
		}
		if t := strings.TrimSpace(label); t != label {
			out = append(out, warning(BagInfoLabelWhitespace, n, "the label %q on line %d starts or ends with a space", label, n))
			label = t
		}
		fold()
		fields = append(fields, Field{Label: label, Value: strings.TrimSpace(value)})
		folded = append(folded[:0], strings.TrimSpace(value))
		return true
	})
	fold()
	if err == nil && count > maxInfoLines {
		err = fmt.Errorf("%w: more than %d lines", errTooManyLines, maxInfoLines)
	}
	for _, name := range nonRepeatable {
		if vals := values(fields, name); len(vals) > 1 {
			out = append(out, warning(BagInfoFieldRepeated, 0, "%s appears %d times; it may appear once", name, len(vals)))
		}
	}
	return fields, out, err
}

func values(fields []Field, label string) []string {
	var out []string
	for _, f := range fields {
		if strings.EqualFold(f.Label, label) {
			out = append(out, f.Value)
		}
	}
	return out
}

// oxum is a parsed Payload-Oxum: payload bytes and file count.
type oxum struct{ bytes, files int64 }

func parseOxum(s string) (oxum, bool) {
	b, f, ok := strings.Cut(s, ".")
	if !ok || !allDigits(b) || !allDigits(f) {
		return oxum{}, false
	}
	nb, err1 := strconv.ParseInt(b, 10, 64)
	nf, err2 := strconv.ParseInt(f, 10, 64)
	return oxum{nb, nf}, err1 == nil && err2 == nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
