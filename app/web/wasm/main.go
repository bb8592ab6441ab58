//go:build js && wasm

// Command wasm is the browser verifier: the bundle verifier compiled to
// WebAssembly, run by the page (app/web) in a Web Worker. It exposes one
// function, custodyVerify, and reads the reader's files through the
// browser's File objects a slice at a time (FileReaderSync, which a
// worker has), so no document is ever held whole in memory.
//
// make build generates it (go generate ./app/web); it is not built for
// any other target.
package main

import (
	"context"
	"io"
	"syscall/js"
	"time"

	"github.com/custody-app/custody/app/web/check"
	"github.com/custody-app/custody/archive/progress"
)

func main() {
	js.Global().Set("custodyVerify", js.FuncOf(verify))
	select {}
}

// verify is custodyVerify(input, keys, seen, onProgress): input is {zip: File}
// or {name: "folder", files: [{path, file}]}; it returns a Promise of
// {verdict, json, report, view} (view as JSON text) or rejects with an
// error message.
func verify(_ js.Value, args []js.Value) any {
	input, keyText, seenText, onProgress := args[0], args[1].String(), args[2].String(), args[3]
	promise := js.Global().Get("Promise")
	return promise.New(js.FuncOf(func(_ js.Value, pa []js.Value) any {
		resolve, reject := pa[0], pa[1]
		go func() {
			in := check.Input{Keys: keyText, Seen: seenText, Progress: progressTo(onProgress)}
			if zip := input.Get("zip"); zip.Truthy() {
				in.Subject = zip.Get("name").String()
				in.Size = int64(zip.Get("size").Float())
				in.Zip = &blob{v: zip, size: in.Size}
			} else {
				in.Subject = input.Get("name").String()
				files := input.Get("files")
				for k := 0; k < files.Length(); k++ {
					f := files.Index(k)
					file := f.Get("file")
					size := int64(file.Get("size").Float())
					in.Files = append(in.Files, check.Entry{Path: f.Get("path").String(), Size: size, Data: &blob{v: file, size: size}})
				}
				// A picker's or a drop's paths start with the chosen
				// folder: the bag's own name, not part of the bag.
				if top := check.TopFolder(in.Files); top != "" {
					in.Subject = top
				}
			}
			out, err := check.Run(context.Background(), in)
			if err != nil {
				reject.Invoke(err.Error())
				return
			}
			view, _ := marshal(out.View)
			res := js.Global().Get("Object").New()
			res.Set("verdict", string(out.Verdict))
			res.Set("json", string(out.JSON))
			res.Set("report", string(out.Report))
			res.Set("view", view)
			resolve.Invoke(res)
		}()
		return nil
	}))
}

// progressTo passes the verifier's progress to the page, at most a few
// times a second.
func progressTo(fn js.Value) progress.Func {
	if fn.Type() != js.TypeFunction {
		return nil
	}
	var last time.Time
	return func(p progress.Progress) {
		if !p.Done && time.Since(last) < 200*time.Millisecond {
			return
		}
		last = time.Now()
		fn.Invoke(p.Files, float64(p.Bytes), p.TotalFiles, float64(p.TotalBytes), p.Done)
	}
}

// blob reads a File or Blob at any offset through Blob.slice, with
// FileReaderSync: one slice's bytes at a time, never the whole file. The
// worker's custodyRead copies them into one reused buffer (custodyBuf),
// so a read leaves no JavaScript object for Go to hold.
type blob struct {
	v    js.Value
	size int64
}

var (
	readJS = js.Global().Get("custodyRead")
	bufJS  = js.Global().Get("custodyBuf")
	bufLen = bufJS.Length()
)

// sinceYield counts the bytes read since the worker last returned to
// its event loop. The browser frees the buffers FileReaderSync made only
// from there, and a check that never returns to it (every read is
// synchronous) would keep each one: so every 32 MiB the reader sleeps a
// millisecond, which hands control back to the event loop.
var sinceYield int

func breathe(n int) {
	if sinceYield += n; sinceYield >= 32<<20 {
		sinceYield = 0
		time.Sleep(time.Millisecond)
	}
}

func (b *blob) ReadAt(p []byte, off int64) (int, error) {
	if off >= b.size {
		return 0, io.EOF
	}
	total := 0
	for len(p) > 0 && off < b.size {
		end := min(off+int64(min(len(p), bufLen)), b.size)
		n := readJS.Invoke(b.v, float64(off), float64(end)).Int()
		if n <= 0 {
			return total, io.ErrUnexpectedEOF
		}
		js.CopyBytesToGo(p[:n], bufJS)
		p, off, total = p[n:], off+int64(n), total+n
		breathe(n)
	}
	if len(p) > 0 {
		return total, io.EOF
	}
	return total, nil
}
