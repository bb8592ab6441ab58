package mbox

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func messages(t testing.TB, data string) ([]Message, []string) {
	t.Helper()
	var ms []Message
	var bodies []string
	err := Scan(strings.NewReader(data), func(m Message) error {
		ms = append(ms, m)
		b, err := io.ReadAll(Open(strings.NewReader(data), m))
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
		if int64(len(b)) != m.Size() {
			t.Errorf("message %d: Size %d, read %d", m.Index, m.Size(), len(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ms, bodies
}

func TestScanMboxrd(t *testing.T) {
	data := "From a@x Tue Mar  5 09:12:00 2024\nSubject: one\n\nHello\n>From the top\n>>From deeper\nFrom inside a paragraph\n\n" +
		"From b@y Tue Mar  5 09:13:00 2024\nSubject: two\n\nBye\n\n\n"
	ms, bodies := messages(t, data)
	if len(ms) != 2 {
		t.Fatalf("%d messages, want 2", len(ms))
	}
	want0 := "Subject: one\n\nHello\nFrom the top\n>From deeper\nFrom inside a paragraph\n"
	if bodies[0] != want0 {
		t.Errorf("message 1 = %q, want %q", bodies[0], want0)
	}
	// Two empty lines at the end: one is the separator, one the message's.
	if want1 := "Subject: two\n\nBye\n\n"; bodies[1] != want1 {
		t.Errorf("message 2 = %q, want %q", bodies[1], want1)
	}
	if ms[0].From != "a@x Tue Mar  5 09:12:00 2024" || ms[1].Index != 1 {
		t.Errorf("envelope %q, index %d", ms[0].From, ms[1].Index)
	}
}

func TestScanCRLFAndNoFinalNewline(t *testing.T) {
	data := "From a\r\nSubject: x\r\n\r\nbody\r\n\r\nFrom b\r\nSubject: y\r\n\r\nlast"
	_, bodies := messages(t, data)
	if len(bodies) != 2 || bodies[0] != "Subject: x\r\n\r\nbody\r\n" || bodies[1] != "Subject: y\r\n\r\nlast" {
		t.Fatalf("bodies %q", bodies)
	}
}

func TestNotMailbox(t *testing.T) {
	for _, s := range []string{"", "Subject: x\n\nFrom a\n", "\nFrom a\n"} {
		err := Scan(strings.NewReader(s), func(Message) error { return nil })
		if err != ErrNotMailbox {
			t.Errorf("%q: err %v, want ErrNotMailbox", s, err)
		}
	}
}

func TestLongLines(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	data := "From a\nSubject: x\n\n" + long + "From not a separator\n>From " + long + "\n\nFrom b\n\nz\n"
	_, bodies := messages(t, data)
	if len(bodies) != 2 {
		t.Fatalf("%d messages", len(bodies))
	}
	if want := "Subject: x\n\n" + long + "From not a separator\nFrom " + long + "\n"; bodies[0] != want {
		t.Errorf("long message differs (len %d, want %d)", len(bodies[0]), len(want))
	}
}

func TestLooks(t *testing.T) {
	if !Looks([]byte("From a@b Mon\nReturn-Path: <a@b>\n")) || Looks([]byte("From: a@b\nTo: c\n")) || Looks([]byte("From x\n\n")) {
		t.Error("Looks")
	}
}

// FuzzScan: any input gives messages within the input, in order, each
// readable back without error, and never a panic.
func FuzzScan(f *testing.F) {
	f.Add([]byte("From a\nX: y\n\n>From b\n\nFrom c\n\nd"))
	f.Add([]byte("From \r\n\r\nFrom \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var last int64
		_ = Scan(bytes.NewReader(data), func(m Message) error {
			if m.Start < last || m.End < m.Start || m.End > int64(len(data)) {
				t.Fatalf("message %+v outside [%d, %d]", m, last, len(data))
			}
			last = m.End
			b, err := io.ReadAll(Open(bytes.NewReader(data), m))
			if err != nil || int64(len(b)) != m.Size() {
				t.Fatalf("read back: %v, %d bytes of %d", err, len(b), m.Len())
			}
			return nil
		})
	})
}
