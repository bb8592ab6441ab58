package bag

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/transform"
)

// Limits on what the verifier reads into memory from tag files. A bag from
// an unknown sender is hostile input: a 2 GiB "line" or a 50 GiB manifest
// must end in a finding, not in an out-of-memory crash.
const (
	maxBagitTxt    = 4 << 10   // bagit.txt holds two short lines
	maxTagFile     = 16 << 20  // bag-info.txt, fetch.txt
	maxManifest    = 256 << 20 // manifest-*.txt, tagmanifest-*.txt
	maxLineLength  = 1 << 20   // any one line of any tag file
	defaultMaxFile = 1_000_000 // files in a bag
	defaultMaxDeep = 64        // folder depth

	// Counts of lines, each kept in memory as a record. A manifest may
	// list at most as many paths as a bag may hold files (MaxFiles), and
	// all manifests together four times that; fetch.txt may hold as many
	// entries as a bag files; bag-info.txt maxInfoLines lines. Over a cap
	// the file is not read (LIMIT_EXCEEDED), so its memory is never spent.
	manifestsPerFileCap = 4
	maxInfoLines        = 100_000
)

var errTooManyLines = errors.New("too many lines")

var errTooLarge = errors.New("too large")

// tagEncoding is the declared Tag-File-Character-Encoding. A nil decoder
// means the bytes are used as they are (UTF-8 and its subset US-ASCII), so
// file names that are not valid UTF-8 still match the names on disk.
type tagEncoding struct {
	name string
	dec  *encoding.Decoder
}

var utf8Encoding = tagEncoding{name: "UTF-8"}

// lookupEncoding finds an IANA character set by name.
func lookupEncoding(name string) (tagEncoding, error) {
	switch strings.ToUpper(name) {
	case "UTF-8", "UTF8", "US-ASCII", "ASCII":
		return tagEncoding{name: name}, nil
	}
	e, err := ianaindex.IANA.Encoding(name)
	if err != nil || e == nil {
		return tagEncoding{}, fmt.Errorf("unknown or unsupported character encoding %q", name)
	}
	return tagEncoding{name: name, dec: e.NewDecoder()}, nil
}

// reader wraps r so that it yields UTF-8 text.
func (e tagEncoding) reader(r io.Reader) io.Reader {
	if e.dec == nil {
		return r
	}
	return transform.NewReader(r, e.dec)
}

// limitReader fails with errTooLarge once more than n bytes were read,
// instead of silently stopping as io.LimitReader does.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, errTooLarge
	}
	return n, err
}

// readSmall reads a whole small file (bagit.txt) with a size limit.
func readSmall(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(&limitReader{r: f, n: limit})
}

// splitLines is a bufio.SplitFunc for lines ended by LF, CRLF or a lone CR,
// all of which BagIt allows. The ends are not part of the token.
func splitLines(data []byte, atEOF bool) (int, []byte, error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	i := bytes.IndexAny(data, "\r\n")
	switch {
	case i < 0:
		if atEOF {
			return len(data), data, nil
		}
		return 0, nil, nil
	case data[i] == '\n':
		return i + 1, data[:i], nil
	case i+1 < len(data):
		if data[i+1] == '\n' {
			return i + 2, data[:i], nil
		}
		return i + 1, data[:i], nil
	case atEOF:
		return i + 1, data[:i], nil
	}
	return 0, nil, nil // a CR at the end of the buffer: is an LF next?
}

// lines calls fn for every line of r (numbered from 1), keeping at most one
// line in memory. It returns an error for lines over maxLineLength, for
// read errors and for errTooLarge from a limitReader.
func lines(r io.Reader, fn func(n int, line string)) error {
	return lineBytes(r, func(n int, line []byte) bool {
		fn(n, string(line))
		return true
	})
}

// lineBytes is lines without a string per line: line is valid only during
// the call. fn returns false to stop reading.
func lineBytes(r io.Reader, fn func(n int, line []byte) bool) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineLength)
	sc.Split(splitLines)
	n := 0
	for sc.Scan() {
		n++
		if !fn(n, sc.Bytes()) {
			return nil
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return fmt.Errorf("%w (line %d, over %d bytes)", errLineTooLong, n+1, maxLineLength)
	}
	return sc.Err()
}

// countLines counts the lines of r that are not blank.
func countLines(r io.Reader) (int, error) {
	count := 0
	err := lineBytes(r, func(_ int, line []byte) bool {
		if len(bytes.TrimSpace(line)) > 0 {
			count++
		}
		return true
	})
	return count, err
}

// stripBOM removes a leading U+FEFF and reports whether there was one.
func stripBOM(line string) (string, bool) {
	if s, ok := strings.CutPrefix(line, "\ufeff"); ok {
		return s, true
	}
	return line, false
}
