package blob

import (
	"errors"
	"testing"
)

func TestDecode(t *testing.T) {
	data := []byte("chunk bytes")
	good := Encode(data)
	flipped := append([]byte(nil), good...)
	flipped[6] ^= 1
	badCRC := append([]byte(nil), good...)
	badCRC[0] ^= 1
	cases := []struct {
		name    string
		v       []byte
		wantLen int
		ok      bool
	}{
		{"good", good, len(data), true},
		{"data bit flipped", flipped, len(data), false},
		{"crc bit flipped", badCRC, len(data), false},
		{"empty value (badger swallowed a read error)", nil, len(data), false},
		{"truncated", good[:len(good)-1], len(data), false},
		{"longer than expected", good, len(data) - 1, false},
		{"empty chunk", Encode(nil), 0, true},
	}
	for _, c := range cases {
		got, err := Decode(c.v, c.wantLen)
		if c.ok != (err == nil) {
			t.Errorf("%s: err %v", c.name, err)
		}
		if !c.ok && !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error %v does not wrap ErrCorrupt", c.name, err)
		}
		if c.ok && string(got) != string(data[:c.wantLen]) && c.wantLen > 0 {
			t.Errorf("%s: got %q", c.name, got)
		}
	}
}

func TestLayout(t *testing.T) {
	cases := []struct {
		size   int64
		chunks uint32
		last   int
	}{
		{0, 0, 0}, {1, 1, 1}, {ChunkSize - 1, 1, ChunkSize - 1}, {ChunkSize, 1, ChunkSize},
		{ChunkSize + 1, 2, 1}, {40 << 30, 40 << 10, ChunkSize},
	}
	for _, c := range cases {
		l := Layout{Size: c.size}
		if l.Chunks() != c.chunks {
			t.Errorf("size %d: %d chunks, want %d", c.size, l.Chunks(), c.chunks)
		}
		if c.chunks > 0 && l.ChunkLen(c.chunks-1) != c.last {
			t.Errorf("size %d: last chunk %d bytes, want %d", c.size, l.ChunkLen(c.chunks-1), c.last)
		}
	}
}
