package remote

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/custody-app/custody/archive"
	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"google.golang.org/protobuf/proto"
)

// writeTail writes, in the format of Badger's backup stream (what
// DB.Load reads: a little-endian length, then a KVList), the newest
// version of every key written after version since, but the remote
// bookkeeping. It is the tail a push sends after its own event: the
// event's and the checkpoint's keys, which are only ever added or
// overwritten, never deleted. Badger's incremental Stream.Backup does the
// same but walks every version of every key, seconds for a small store;
// this reads only the tables and memtables holding newer versions.
func writeTail(db *badger.DB, w io.Writer, since uint64) error {
	list := &pb.KVList{}
	err := db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{SinceTs: since})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			if item.Version() <= since || bytes.HasPrefix(item.Key(), archive.PrefixRemote) {
				continue
			}
			v, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			list.Kv = append(list.Kv, &pb.KV{Key: item.KeyCopy(nil), Value: v, UserMeta: []byte{item.UserMeta()},
				Version: item.Version(), ExpiresAt: item.ExpiresAt(), Meta: []byte{0}})
		}
		return nil
	})
	if err != nil || len(list.Kv) == 0 {
		return err
	}
	b, err := proto.Marshal(list)
	if err != nil {
		return err
	}
	if err := binary.Write(w, binary.LittleEndian, uint64(len(b))); err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
