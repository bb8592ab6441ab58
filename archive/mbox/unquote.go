package mbox

import (
	"bufio"
	"bytes"
	"io"
)

// Open returns a reader of message m's bytes as they were before the
// mailbox quoted them: one ">" is removed from each line matching
// ^>+From  (see the package comment).
func Open(ra io.ReaderAt, m Message) io.Reader {
	return Unquote(io.NewSectionReader(ra, m.Start, m.Len()))
}

// Unquote undoes mboxrd quoting of a stream of message lines.
func Unquote(r io.Reader) io.Reader {
	return &unquoter{br: bufio.NewReaderSize(r, 32<<10), atStart: true}
}

type unquoter struct {
	br      *bufio.Reader
	atStart bool
	pending []byte // the rest of the current piece, not yet returned
	err     error
}

func (u *unquoter) Read(p []byte) (int, error) {
	for len(u.pending) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		line, err := readLine(u.br)
		if err != nil {
			u.err = err
		}
		if len(line) == 0 {
			continue
		}
		if u.atStart && quoted(line) {
			line = line[1:]
		}
		u.atStart = bytes.HasSuffix(line, []byte("\n"))
		u.pending = line
	}
	n := copy(p, u.pending)
	u.pending = u.pending[n:]
	return n, nil
}

// quoted reports whether line matches ^>+From .
func quoted(line []byte) bool {
	i := 0
	for i < len(line) && line[i] == '>' {
		i++
	}
	return i > 0 && bytes.HasPrefix(line[i:], []byte("From "))
}
