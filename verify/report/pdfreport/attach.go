package pdfreport

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// Attachment is a file a PDF carries inside it (the report as JSON, a
// proof): PDF readers list it under "Attachments", and pdfdetach
// (poppler-utils) saves it.
type Attachment struct {
	Name        string // a plain ASCII file name: "report.json"
	Description string // ASCII
	MIME        string // "application/json"
	Data        []byte
}

// gopdf writes no embedded files, so they are added after it has written
// the document, as an incremental update (ISO 32000-1, 7.5.6): the new
// objects, a catalog that names them, and a cross-reference section that
// points back to gopdf's. The bytes gopdf wrote are kept as they are.

var (
	startxrefRE = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	trailerRE   = regexp.MustCompile(`(?s)trailer\s*<<(.*?)>>\s*startxref`)
	sizeRE      = regexp.MustCompile(`/Size\s+(\d+)`)
	rootRE      = regexp.MustCompile(`/Root\s+(\d+)\s+0\s+R`)
	infoRE      = regexp.MustCompile(`/Info\s+\d+\s+0\s+R`)
)

var plainName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func attach(pdf []byte, files []Attachment) ([]byte, error) {
	if len(files) == 0 {
		return pdf, nil
	}
	m := startxrefRE.FindSubmatch(pdf)
	t := trailerRE.FindAllSubmatch(pdf, -1)
	if m == nil || t == nil {
		return nil, errors.New("pdf: no trailer to extend")
	}
	trailer := t[len(t)-1][1]
	prev := string(m[1])
	sm, rm := sizeRE.FindSubmatch(trailer), rootRE.FindSubmatch(trailer)
	if sm == nil || rm == nil {
		return nil, errors.New("pdf: the trailer names no /Size or /Root")
	}
	size, _ := strconv.Atoi(string(sm[1]))
	root := string(rm[1])
	catalog, err := objectBody(pdf, root)
	if err != nil {
		return nil, err
	}

	// Each file's stream is compressed (FlateDecode): JSON shrinks to a
	// tenth, and the whole PDF is built in one buffer of its final size.
	packed := make([][]byte, len(files))
	room := len(pdf) + 4096
	for i, f := range files {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		if _, err := zw.Write(f.Data); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		packed[i] = z.Bytes()
		room += z.Len() + 512
	}
	out := bytes.NewBuffer(make([]byte, 0, room))
	out.Write(pdf)
	if !bytes.HasSuffix(pdf, []byte("\n")) {
		out.WriteByte('\n')
	}
	offsets := map[int]int{}
	obj := func(n int, body string, stream []byte) {
		offsets[n] = out.Len()
		fmt.Fprintf(out, "%d 0 obj\n%s\n", n, body)
		if stream != nil {
			out.WriteString("stream\n")
			out.Write(stream)
			out.WriteString("\nendstream\n")
		}
		out.WriteString("endobj\n")
	}
	var names bytes.Buffer
	next := size
	for i, f := range files {
		if !plainName.MatchString(f.Name) {
			return nil, fmt.Errorf("pdf: attachment name %q is not a plain file name", f.Name)
		}
		stream, spec := next, next+1
		next += 2
		sum := md5.Sum(f.Data) // the checksum PDF defines for embedded files
		obj(stream, fmt.Sprintf("<< /Type /EmbeddedFile /Subtype /%s /Filter /FlateDecode /Length %d /Params << /Size %d /CheckSum <%x> >> >>",
			nameEscape(f.MIME), len(packed[i]), len(f.Data), sum), packed[i])
		obj(spec, fmt.Sprintf("<< /Type /Filespec /F (%s) /UF (%s) /Desc (%s) /EF << /F %d 0 R >> /AFRelationship /Data >>",
			f.Name, f.Name, textEscape(f.Description), stream), nil)
		fmt.Fprintf(&names, "(%s) %d 0 R ", f.Name, spec)
	}
	rootN, _ := strconv.Atoi(root)
	obj(rootN, fmt.Sprintf("<<%s /Names << /EmbeddedFiles << /Names [%s] >> >> /PageMode /UseAttachments >>",
		bytes.TrimSuffix(bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(catalog), []byte("<<"))), []byte(">>")), bytes.TrimSpace(names.Bytes())), nil)

	xref := out.Len()
	out.WriteString("xref\n0 1\n0000000000 65535 f \n")
	fmt.Fprintf(out, "%d 1\n%010d 00000 n \n", rootN, offsets[rootN])
	fmt.Fprintf(out, "%d %d\n", size, next-size)
	for n := size; n < next; n++ {
		fmt.Fprintf(out, "%010d 00000 n \n", offsets[n])
	}
	info := ""
	if im := infoRE.Find(trailer); im != nil {
		info = " " + string(im)
	}
	fmt.Fprintf(out, "trailer\n<< /Size %d /Root %d 0 R%s /Prev %s >>\nstartxref\n%d\n%%%%EOF\n", next, rootN, info, prev, xref)
	return out.Bytes(), nil
}

// objectBody is the dictionary of object n as first written.
func objectBody(pdf []byte, n string) ([]byte, error) {
	re := regexp.MustCompile(`(?s)(?:^|\n)` + n + `\s+0\s+obj\s*(<<.*?>>)\s*endobj`)
	m := re.FindSubmatch(pdf)
	if m == nil {
		return nil, fmt.Errorf("pdf: catalog object %s not found", n)
	}
	return m[1], nil
}

// nameEscape writes a MIME type as a PDF name ("application#2Fjson").
func nameEscape(s string) string {
	var b bytes.Buffer
	for _, c := range []byte(s) {
		if c >= '!' && c <= '~' && !bytes.ContainsRune([]byte("#/()<>[]{}%"), rune(c)) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "#%02X", c)
		}
	}
	return b.String()
}

// textEscape makes s a PDF literal string's content (ASCII only).
func textEscape(s string) string {
	var b bytes.Buffer
	for _, c := range []byte(s) {
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c >= ' ' && c <= '~':
			b.WriteByte(c)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
