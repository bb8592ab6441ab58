package archive

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// docSource is what the import reads one document from: a file on disk,
// or a stream that can be opened again (an entry of a zipped bag, read
// straight into the store so that no plaintext copy is ever written).
type docSource struct {
	br *bufio.Reader
	c  io.Closer
	f  *os.File // nil for a stream
	j  job
	// before is the file's state when it was opened (nil for a stream).
	before fs.FileInfo
}

func openSource(j job) (*docSource, error) {
	s := &docSource{j: j}
	if j.open != nil {
		rc, err := j.open()
		if err != nil {
			return nil, err
		}
		s.c, s.br = rc, bufio.NewReaderSize(rc, 4096)
		return s, nil
	}
	f, err := os.Open(j.path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if reason := notRegular(fi.Mode()); reason != "" {
		f.Close()
		return nil, errors.New(reason)
	}
	// A read of at least the buffer's size into an empty buffer goes
	// straight to the file: chunks are not copied twice.
	s.f, s.c, s.br, s.before = f, f, bufio.NewReaderSize(f, 4096), fi
	return s, nil
}

func (s *docSource) Read(p []byte) (int, error) { return s.br.Read(p) }

func (s *docSource) Close() error { return s.c.Close() }

// size is the document's size as listed (a file's when it was opened).
func (s *docSource) size() int64 {
	if s.before != nil {
		return s.before.Size()
	}
	return s.j.size
}

// atEOF reports whether no byte is left, passing on a read error (a
// stream's checksum is checked at its end).
func (s *docSource) atEOF() (bool, error) {
	_, err := s.br.Peek(1)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// rewind starts reading again at off.
func (s *docSource) rewind(off int64) error {
	if s.f != nil {
		if _, err := s.f.Seek(off, io.SeekStart); err != nil {
			return err
		}
		s.br.Reset(s.f)
		return nil
	}
	s.c.Close()
	rc, err := s.j.open()
	if err != nil {
		return err
	}
	s.c = rc
	s.br.Reset(rc)
	_, err = io.CopyN(io.Discard, s.br, off)
	return err
}

// changed reports whether a file changed while it was read: its size or
// modification time differ from when it was opened, or read bytes were
// read where it then had size bytes. A stream is held to its checksums
// instead.
func (s *docSource) changed(read int64) bool {
	if s.f == nil {
		return false
	}
	after, err := s.f.Stat()
	if err != nil {
		return true
	}
	return after.Size() != s.before.Size() || !after.ModTime().Equal(s.before.ModTime()) || read != s.before.Size()
}

// mismatchError is a document whose bytes are not the ones that were
// verified (a receive): its checksum differs, or it could not be read
// whole.
type mismatchError struct{ msg string }

func (e *mismatchError) Error() string { return e.msg }

func mismatch(format string, a ...any) error { return &mismatchError{fmt.Sprintf(format, a...)} }

// changingError is a file that changed each time it was read.
type changingError struct{}

func (changingError) Error() string {
	return "skipped: the file changed while it was being read, twice; it was not imported (import it again once it is complete, or keep what was read with --keep-changing)"
}
