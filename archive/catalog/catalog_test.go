package catalog

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/custody-app/custody/archive/store"
	badger "github.com/dgraph-io/badger/v4"
)

func TestDetectMediaType(t *testing.T) {
	cases := []struct {
		name string
		head string
		want string
	}{
		{"empty", "", "application/x-empty"},
		{"email", "Return-Path: <a@b.org>\r\nReceived: from x\r\nSubject: hi\r\n\r\nbody", "message/rfc822"},
		{"email with folded header", "DKIM-Signature: v=1;\r\n\ta=rsa\r\nFrom: a@b\r\nTo: c@d\r\n", "message/rfc822"},
		{"chat text", "[2019-03-01 10:00] Ana: hello\n[2019-03-01 10:01] Ben: hi\n", "text/plain; charset=utf-8"},
		{"json", "{\"channel\": \"general\", \"messages\": []}", "application/json"},
		{"json array", "  [1, 2, 3]", "application/json"},
		{"pdf", "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"},
		{"docx", "PK\x03\x04\x14\x00\x06\x00[Content_Types].xml word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"html is not rendered, only named", "<!DOCTYPE html><html><script>alert(1)</script>", "text/html; charset=utf-8"},
		{"binary", "\x00\x01\x02\x03\xff\xfe", "application/octet-stream"},
	}
	for _, c := range cases {
		if got := DetectMediaType([]byte(c.head)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestNamesKeepEveryByte(t *testing.T) {
	n := NewName("dir/caf\xe9 \xff.txt", "src", "", time.Now())
	if n.Path != `dir/caf\xe9 \xff.txt` || n.Bytes() != "dir/caf\xe9 \xff.txt" || n.Raw == nil {
		t.Fatalf("%+v", n)
	}
	u := NewName("dir/Отчёт.eml", "", "", time.Now())
	if u.Raw != nil || u.Bytes() != "dir/Отчёт.eml" {
		t.Fatalf("%+v", u)
	}
}

func TestParseID(t *testing.T) {
	good := strings.Repeat("ab", 32)
	if _, err := ParseID(good); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", good[:63], good + "a", strings.Repeat("zz", 32)} {
		if _, err := ParseID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestResolveAndDamagedRecords(t *testing.T) {
	db, err := badger.Open(badger.DefaultOptions(t.TempDir()).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids := []string{
		"aaaaaaaa11" + strings.Repeat("0", 54),
		"aaaaaaaa22" + strings.Repeat("0", 54),
		"bbbbbbbb33" + strings.Repeat("0", 54),
	}
	err = db.Update(func(txn *badger.Txn) error {
		for _, id := range ids {
			if err := Put(txn, &Record{ID: id, Size: 1}); err != nil {
				return err
			}
		}
		// A record stored under one ID that names another.
		var k [32]byte
		k[0] = 0xcc
		return txn.Set(store.DocKey(k), []byte(`{"id":"`+ids[0]+`","size":1}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		ref     string
		want    string
		wantErr error
	}{
		{"bbbbbbbb", ids[2], nil},
		{"BBBBBBBB3", ids[2], nil},
		{"aaaaaaaa1", ids[0], nil},
		{"aaaaaaaa", "", ErrAmbiguous},
		{"dddddddd", "", ErrNotFound},
		{ids[1], ids[1], nil},
	}
	for _, c := range cases {
		var got [32]byte
		err := db.View(func(txn *badger.Txn) (err error) { got, err = Resolve(txn, c.ref); return })
		if c.wantErr != nil {
			if !errors.Is(err, c.wantErr) {
				t.Errorf("%s: %v, want %v", c.ref, err, c.wantErr)
			}
			continue
		}
		if err != nil || strings.ToLower(string(hexOf(got))) != c.want {
			t.Errorf("%s: %x %v", c.ref, got, err)
		}
	}
	for _, bad := range []string{"abc", "aaaaaaaz", "aaaa aaaa"} {
		err := db.View(func(txn *badger.Txn) error { _, err := Resolve(txn, bad); return err })
		if err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	var good, damaged int
	db.View(func(txn *badger.Txn) error {
		return Each(txn, func(*Record) error { good++; return nil }, func(_ [32]byte, err error) {
			if errors.Is(err, ErrRecordCorrupt) {
				damaged++
			}
		})
	})
	if good != 3 || damaged != 1 {
		t.Fatalf("good %d damaged %d", good, damaged)
	}
	// EachID lists every key, the damaged record's too, in key order.
	var listed []string
	db.View(func(txn *badger.Txn) error {
		return EachID(txn, func(id [32]byte) error { listed = append(listed, hexOf(id)); return nil })
	})
	want := []string{ids[0], ids[1], ids[2], "cc" + strings.Repeat("0", 62)}
	if strings.Join(listed, ",") != strings.Join(want, ",") {
		t.Fatalf("EachID listed %v, want %v", listed, want)
	}
}

func hexOf(b [32]byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 64)
	for i, c := range b {
		out[2*i], out[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(out)
}
