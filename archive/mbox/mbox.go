// Package mbox reads mailbox files (the mbox family: mboxo and mboxrd) as
// a stream, so a mailbox of any size is read with a bounded buffer.
//
// A mailbox is messages one after another, each introduced by a line that
// starts with "From " (the envelope line, not part of the message) and
// followed by an empty line. A body line that itself starts with "From "
// was quoted when the mailbox was written: mboxo writes ">From ", mboxrd
// also adds one ">" to lines already starting with ">From " (">>From ").
// Reading undoes the mboxrd quoting: one ">" is removed from every line
// that matches ^>+From . For mboxo files this gives back every quoted line;
// a body line that really started with ">From " is ambiguous in mboxo and
// comes back without its ">" (mboxo cannot tell the two apart).
//
// A "From " line separates messages only at the start of the file or after
// an empty line, so an unquoted "From " inside a paragraph of a carelessly
// written mailbox stays in its message.
//
// Scan finds where each message's bytes are (offsets into the file); Open
// reads one message back, unquoted, from any io.ReaderAt. Nothing of a
// message is held in memory beyond one line's start and the buffer of a
// bufio.Reader.
package mbox

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// Message is where one message's bytes lie in a mailbox.
type Message struct {
	Index int    // 0-based position in the mailbox
	From  string // the envelope line without "From " and its line end (untrusted)
	Start int64  // offset of the message's first byte (after the envelope line)
	End   int64  // offset just after its last byte (before the separating empty line)
	// Quoted counts the quoted lines: the message unquoted is
	// Len() - Quoted bytes long.
	Quoted int64
}

// Len is the number of stored (still quoted) bytes.
func (m Message) Len() int64 { return m.End - m.Start }

// Size is the number of bytes Open gives.
func (m Message) Size() int64 { return m.End - m.Start - m.Quoted }

// maxEnvelope bounds the envelope line kept in Message.From.
const maxEnvelope = 1000

// Looks reports whether head (the first bytes of a file) starts like a
// mailbox: a "From " line followed by a line that looks like a header
// field ("Name: value").
func Looks(head []byte) bool {
	if !bytes.HasPrefix(head, []byte("From ")) {
		return false
	}
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 {
		return false
	}
	rest := head[nl+1:]
	colon := bytes.IndexByte(rest, ':')
	if colon <= 0 {
		return false
	}
	for _, c := range rest[:colon] {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// Scan reads a mailbox from r and calls fn for each message, in order.
// It stops at the first error fn returns. A file that does not start with
// a "From " line is not a mailbox (ErrNotMailbox).
func Scan(r io.Reader, fn func(Message) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var off int64
	var cur *Message
	prevEmpty := true // the start of the file counts as after an empty line
	atStart := true   // the next piece read begins a line
	// lastEnd is where the current message ends if the next line is a
	// separator: before the one empty line just read, else after the
	// last line.
	var lastEnd int64
	idx := 0
	var quotedNow, quotedAtEnd int64
	for {
		line, err := readLine(br)
		if len(line) == 0 {
			if err != nil && err != io.EOF {
				return err
			}
			break
		}
		start := off
		off += int64(len(line))
		if atStart && prevEmpty && bytes.HasPrefix(line, []byte("From ")) {
			if cur != nil {
				cur.End, cur.Quoted = lastEnd, quotedAtEnd
				if err := fn(*cur); err != nil {
					return err
				}
			}
			env := bytes.TrimRight(line[5:], "\r\n")
			if len(env) > maxEnvelope {
				env = env[:maxEnvelope]
			}
			for !bytes.HasSuffix(line, []byte("\n")) && err == nil {
				// an envelope line longer than the buffer: skip its rest
				line, err = readLine(br)
				off += int64(len(line))
			}
			cur = &Message{Index: idx, From: string(env), Start: off}
			idx++
			prevEmpty, lastEnd, atStart = false, off, true
			quotedNow, quotedAtEnd = 0, 0
		} else {
			if cur == nil {
				return ErrNotMailbox
			}
			empty := atStart && (string(line) == "\n" || string(line) == "\r\n")
			if atStart && quoted(line) {
				quotedNow++
			}
			if empty {
				lastEnd = start
			} else {
				lastEnd, quotedAtEnd = off, quotedNow
			}
			prevEmpty = empty
			atStart = bytes.HasSuffix(line, []byte("\n"))
		}
		if err != nil {
			if err != io.EOF {
				return err
			}
			break
		}
	}
	if cur == nil {
		return ErrNotMailbox
	}
	cur.End, cur.Quoted = lastEnd, quotedAtEnd
	return fn(*cur)
}

// ErrNotMailbox is Scan's error for input that does not start with a
// "From " line.
var ErrNotMailbox = errors.New("not a mailbox: it does not start with a \"From \" line")

// readLine returns the next line with its line end; a line longer than
// the buffer comes back in pieces, each piece but the last without "\n".
// Only a piece that begins a line can be a separator or a quoted line:
// the caller's checks look at a line's start only.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return line, nil
	}
	return line, err
}
