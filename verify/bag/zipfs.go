package bag

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/custody-app/custody/verify/report"
)

// ZipLimits bound what OpenZip accepts, so that a hostile zip costs
// bounded memory and time.
type ZipLimits struct {
	// MaxEntries caps the number of entries (files and folders).
	MaxEntries int
	// MaxDepth caps the folder depth of any entry.
	MaxDepth int
	// MaxTotal caps the sum of the declared uncompressed sizes.
	MaxTotal uint64
	// MaxRatio caps the ratio of declared uncompressed to compressed size
	// over the whole zip, once it holds more than 64 MiB.
	MaxRatio uint64
}

// DefaultZipLimits are the limits OpenZip uses.
var DefaultZipLimits = ZipLimits{MaxEntries: 1_000_000, MaxDepth: 64, MaxTotal: 1 << 40, MaxRatio: 100}

// withDefaults fills zero limits from DefaultZipLimits.
func (l ZipLimits) withDefaults() ZipLimits {
	d := DefaultZipLimits
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxTotal == 0 {
		l.MaxTotal = d.MaxTotal
	}
	if l.MaxRatio == 0 {
		l.MaxRatio = d.MaxRatio
	}
	return l
}

// deflate cannot compress by more than about 1032:1, so an entry that claims
// more lies about its size.
const maxDeflateRatio = 1100

// OpenZip opens a zipped bag: a .zip holding exactly one top folder, the
// bag. The fs.FS it returns is rooted at that folder. It refuses the zip
// before reading any content when an entry's name is unsafe on any system,
// an entry is a symbolic link or other special file, two names are the
// same file (exactly, or after case folding or Unicode normalisation), an
// entry is encrypted or uses an unknown compression method, a name in the
// central directory differs from its local header, or the zip exceeds
// DefaultZipLimits. The error is an *OpenError listing every reason.
// Reading an entry whose bytes do not match its CRC-32 fails with
// zip.ErrChecksum, which Validate reports as ZIP_CHECKSUM.
func OpenZip(path string) (fs.FS, io.Closer, error) {
	return OpenZipLimits(path, DefaultZipLimits)
}

// OpenZipLimits is OpenZip with other limits.
func OpenZipLimits(path string, lim ZipLimits) (fs.FS, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, &OpenError{Code: BagNotFound, Path: path, Err: err,
			Message: fmt.Sprintf("cannot open the zip %s: %v", displayPath(path), cause(err))}
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, &OpenError{Code: BagNotFound, Path: path, Err: err, Message: fmt.Sprintf("cannot read the zip %s: %v", displayPath(path), cause(err))}
	}
	if fi.IsDir() {
		f.Close()
		return nil, nil, &OpenError{Code: ZipInvalid, Path: path, Message: fmt.Sprintf("%s is a folder, not a zip file", displayPath(path))}
	}
	fsys, err := ZipFS(f, fi.Size(), lim)
	if err != nil {
		f.Close()
		if oe, ok := err.(*OpenError); ok && oe.Path == "" {
			oe.Path = path
		}
		return nil, nil, err
	}
	return fsys, f, nil
}

func zipRefused(code, msg string) *OpenError {
	return &OpenError{Code: code, Message: msg, Findings: []report.Finding{{Code: code, Severity: report.Problem, Message: msg}}}
}

// ZipFS is OpenZipLimits for a zip already in hand (in memory, or an open
// file); r must stay readable while the fs.FS is used.
func ZipFS(r io.ReaderAt, size int64, lim ZipLimits) (fs.FS, error) {
	f := r
	lim = lim.withDefaults()
	if err := precheckZip(f, size, lim); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(f, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // names are checked below, in detail
		return nil, zipRefused(ZipInvalid, fmt.Sprintf("this is not a readable zip file: %v", err))
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, zipRefused(LimitExceeded, fmt.Sprintf("the zip has %d entries; the limit is %d", len(zr.File), lim.MaxEntries))
	}
	c := &zipCheck{r: f, size: size, lim: lim, seen: map[string]string{}, folded: map[string]string{}, tops: map[string]bool{}}
	for _, e := range zr.File {
		c.entry(e)
	}
	c.totals()
	if len(c.findings) > 0 {
		return nil, &OpenError{Code: c.findings[0].Code, Path: "", Message: c.summary(), Findings: c.findings}
	}
	var top string
	for t := range c.tops {
		top = t
	}
	return fs.Sub(zr, top)
}

// precheckZip reads the end-of-central-directory record (and its ZIP64
// form) to refuse a zip with too many entries before archive/zip
// allocates one record per entry.
func precheckZip(r io.ReaderAt, size int64, lim ZipLimits) error {
	tail := int64(22 + 65535)
	if tail > size {
		tail = size
	}
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return zipRefused(ZipInvalid, fmt.Sprintf("cannot read the zip: %v", err))
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < 22 {
		return zipRefused(ZipInvalid, "this is not a zip file (no end-of-archive record); it may be truncated")
	}
	eocd := buf[i:]
	entries := uint64(binary.LittleEndian.Uint16(eocd[10:]))
	cdSize := uint64(binary.LittleEndian.Uint32(eocd[12:]))
	cdOff := uint64(binary.LittleEndian.Uint32(eocd[16:]))
	eocdPos := uint64(size - tail + int64(i))
	if entries == 0xffff || cdSize == 0xffffffff || cdOff == 0xffffffff {
		if i < 20 || !bytes.Equal(buf[i-20:i-16], []byte("PK\x06\x07")) {
			return zipRefused(ZipInvalid, "the zip's ZIP64 end record is missing")
		}
		off := binary.LittleEndian.Uint64(buf[i-12:])
		rec := make([]byte, 56)
		if off > uint64(size) || off+56 > uint64(size) {
			return zipRefused(ZipInvalid, "the zip's ZIP64 end record points outside the file")
		}
		if _, err := r.ReadAt(rec, int64(off)); err != nil || !bytes.Equal(rec[:4], []byte("PK\x06\x06")) {
			return zipRefused(ZipInvalid, "the zip's ZIP64 end record is damaged")
		}
		entries = binary.LittleEndian.Uint64(rec[32:])
		cdSize = binary.LittleEndian.Uint64(rec[40:])
		cdOff = binary.LittleEndian.Uint64(rec[48:])
		eocdPos = off
	}
	if entries > uint64(lim.MaxEntries) {
		return zipRefused(LimitExceeded, fmt.Sprintf("the zip declares %d entries; the limit is %d", entries, lim.MaxEntries))
	}
	// archive/zip reads directory records from the directory's start until
	// one fails to parse, so the bytes from there to the end bound its work.
	start := cdOff
	if cdSize <= eocdPos && eocdPos-cdSize < start {
		start = eocdPos - cdSize
	}
	if region := uint64(size) - min(start, uint64(size)); region > uint64(lim.MaxEntries)*200+(1<<20) {
		return zipRefused(LimitExceeded, fmt.Sprintf("the zip's directory is %d bytes, more than the limit for %d entries", region, lim.MaxEntries))
	}
	return nil
}

// zipCheck collects every reason to refuse a zip.
type zipCheck struct {
	r        io.ReaderAt
	size     int64
	lim      ZipLimits
	seen     map[string]string // name without trailing "/" → "file" or "folder"
	folded   map[string]string // FoldKey → first name
	tops     map[string]bool
	findings []report.Finding
	dropped  int

	total, compressed uint64
}

const maxZipFindings = 1000

func (c *zipCheck) refuse(code, name, format string, a ...any) {
	if len(c.findings) >= maxZipFindings {
		c.dropped++
		return
	}
	c.findings = append(c.findings, report.Finding{Code: code, Severity: report.Problem, Path: name, Message: fmt.Sprintf(format, a...)})
}

func (c *zipCheck) summary() string {
	f := c.findings[0]
	msg := "the zip was refused before anything was read from it: " + f.Message
	if n := len(c.findings) - 1 + c.dropped; n > 0 {
		msg += fmt.Sprintf(" (and %d more)", n)
	}
	return msg
}

// totals checks the declared sizes against the limits.
func (c *zipCheck) totals() {
	if c.total > c.lim.MaxTotal {
		c.refuse(LimitExceeded, "", "the zip's entries declare %d bytes in all, more than the limit of %d", c.total, c.lim.MaxTotal)
	}
	if c.total > 64<<20 && c.total > c.compressed*c.lim.MaxRatio {
		c.refuse(LimitExceeded, "", "the zip's entries declare %d bytes compressed into %d, a ratio over %d:1 that suggests a zip bomb", c.total, c.compressed, c.lim.MaxRatio)
	}
	if len(c.tops) != 1 {
		var names []string
		for t := range c.tops {
			names = append(names, display(t))
		}
		hint := ""
		if c.tops["__MACOSX"] {
			hint = " (__MACOSX is added by the macOS Finder; zip the bag folder with another tool, or remove it)"
		}
		c.refuse(ZipLayout, "", "a zipped bag must hold exactly one top folder, the bag; this zip has %d: %s%s", len(names), strings.Join(sortedCopy(names), ", "), hint)
	}
}
