package fixity

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/logstore"
	"github.com/custody-app/custody/archive/store"
	"github.com/custody-app/custody/verify/report"
)

// A table whose checksum fails is storage damage (the disk changed bytes),
// not tampering: whoever edits the store on purpose writes tables whose
// checksums pass. The finding names what the table holds, from the range
// of keys Badger records for it: the documents whose records or chunks
// fall in it and the log entries stored in it. A damaged table may hold
// only some keys of that range, so the list is what may be affected;
// each document is also re-hashed, which says for certain.

// maxNamed bounds the documents a table finding lists one by one.
const maxNamed = 200

func tableFinding(d *archive.StoreDamage, recs []*catalog.Record) report.Finding {
	f := report.Finding{Code: StoreTableCorrupt}
	where := "a table of the store"
	if d.Table != "" {
		where = "the store's table " + d.Table
	}
	if d.First == nil || d.Last == nil {
		f.Message = fmt.Sprintf("storage damage: %s fails its own checksum (%v). Custody cannot tell which documents or log entries it held; "+
			"the re-hash of every document below names any whose bytes are wrong", where, d.Err)
		return f
	}
	in := func(k []byte) bool { return bytes.Compare(k, d.First) >= 0 && bytes.Compare(k, d.Last) <= 0 }
	overlaps := func(lo, hi []byte) bool { return bytes.Compare(lo, d.Last) <= 0 && bytes.Compare(hi, d.First) >= 0 }
	var docs []string
	for _, r := range recs {
		id, err := hex.DecodeString(r.ID)
		if err != nil || len(id) != 32 {
			continue
		}
		var a [32]byte
		copy(a[:], id)
		cp := store.ChunkPrefix(r.Blob)
		if in(store.DocKey(a)) || overlaps(cp, append(append([]byte(nil), cp...), 0xff, 0xff, 0xff, 0xff)) {
			docs = append(docs, r.ID)
		}
	}
	var parts []string
	if len(docs) > 0 {
		parts = append(parts, fmt.Sprintf("the records or bytes of %d document(s)", len(docs)))
	}
	lo, hi := logstore.EventKey(0), logstore.EventKey(1<<62)
	if overlaps(lo, hi) {
		first, last := "the first", "the last"
		if i, ok := logstore.KeyInt(d.First, logstore.EventPrefix); ok {
			first = fmt.Sprintf("%d", i)
		}
		if i, ok := logstore.KeyInt(d.Last, logstore.EventPrefix); ok {
			last = fmt.Sprintf("%d", i)
		}
		parts = append(parts, fmt.Sprintf("provenance log entries from %s to %s", first, last))
	}
	if bytes.Compare(d.First, []byte("log/")) < 0 && bytes.Compare(d.Last, []byte("log0")) >= 0 || bytes.HasPrefix(d.First, []byte("log/")) || bytes.HasPrefix(d.Last, []byte("log/")) {
		parts = append(parts, "parts of the provenance log's stored hashes, checkpoints or index")
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("keys from %q to %q, none of them a document's or the log's", d.First, d.Last))
	}
	f.Message = fmt.Sprintf("storage damage: %s fails its own checksum (%v). It may hold %s; findings about the log that follow come from this damage, not from tampering",
		where, d.Err, strings.Join(parts, "; "))
	if len(docs) > maxNamed {
		docs = docs[:maxNamed]
	}
	f.Docs = docs
	return f
}

// TablesDamaged reports whether r holds a table whose checksum failed.
// Such a store must not be written before it is restored: a compaction
// would carry the damaged bytes into a table whose checksums pass (see
// archive.ErrStoreTablesDamaged).
func TablesDamaged(r *report.Report) bool {
	for _, f := range r.Findings {
		if f.Code == StoreTableCorrupt {
			return true
		}
	}
	return false
}
