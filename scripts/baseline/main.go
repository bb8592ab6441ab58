// Command baseline measures what the disk and the processor allow, so
// scripts/bench can say how close custody comes to it, and runs a command
// while sampling its memory.
//
//	baseline store -out DIR SRC   copy every file under SRC into DIR while
//	                              hashing it with SHA-256, then sync
//	baseline read SRC             read and hash every file under SRC
//	                              (-hash sha512+sha256: with both, as an
//	                              OCFL check of Custody's objects must)
//	baseline run CMD [ARG...]     run CMD, sampling its memory every 50 ms
//
// With -aes, store encrypts what it writes and read decrypts what it reads
// (AES-256-CTR, a key per run and an IV per file), as an encrypted
// archive must: the baselines of custody's default, encrypted store.
// store and read use -workers goroutines (default 2) and print
// "files=N bytes=N seconds=S". run prints "seconds=S peak_rss=N
// peak_anon=N exit=N" (bytes) on stderr after the command's own output.
// The store baseline is the least any importer must do (read, hash, write
// each byte once, make it durable); the read baseline is the least any
// verifier must do.
package main

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"flag"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	mode, args := os.Args[1], os.Args[2:]
	var err error
	switch mode {
	case "store", "read":
		err = copyOrRead(mode, args)
	case "run":
		err = run(args)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "baseline %s: %v\n", mode, err)
		os.Exit(2)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: baseline store [-workers N] -out DIR SRC | read [-workers N] SRC | run CMD [ARG...]")
	os.Exit(2)
}

type file struct {
	rel  string
	size int64
}

func copyOrRead(mode string, args []string) error {
	fl := flag.NewFlagSet(mode, flag.ExitOnError)
	workers := fl.Int("workers", 2, "files handled at once")
	out := fl.String("out", "", "folder to copy into (store)")
	fl.StringVar(&hashes, "hash", "sha256", "sha256, sha512 or sha512+sha256: what every byte is hashed with")
	useAES := fl.Bool("aes", false, "encrypt what is written (store), decrypt what is read (read): AES-256-CTR")
	fl.Parse(args)
	var block cipher.Block
	if *useAES {
		key := make([]byte, 32)
		rand.Read(key)
		var err error
		if block, err = aes.NewCipher(key); err != nil {
			return err
		}
	}
	if fl.NArg() != 1 || (mode == "store") != (*out != "") {
		usage()
	}
	src := fl.Arg(0)
	start := time.Now()
	var files []file
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		files = append(files, file{rel, info.Size()})
		return nil
	})
	if err != nil {
		return err
	}
	todo := make(chan file)
	errs := make(chan error, *workers)
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 1<<20)
			var enc []byte
			if block != nil {
				enc = make([]byte, 1<<20)
			}
			for f := range todo {
				if err := one(src, *out, f, buf, block, enc); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var total int64
	for _, f := range files {
		todo <- f
		total += f.size
	}
	close(todo)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	if *out != "" {
		if err := syncFS(*out); err != nil {
			return err
		}
	}
	fmt.Printf("files=%d bytes=%d seconds=%.3f\n", len(files), total, time.Since(start).Seconds())
	return nil
}

// hashes names what every byte is hashed with (-hash).
var hashes = "sha256"

func newHash() hash.Hash {
	switch hashes {
	case "sha512":
		return sha512.New()
	case "sha512+sha256":
		return multiHash{sha512.New(), sha256.New()}
	}
	return sha256.New()
}

// multiHash feeds two hashes in turn, as a validator checking a manifest
// and a fixity digest does.
type multiHash [2]hash.Hash

func (m multiHash) Write(p []byte) (int, error) { m[0].Write(p); return m[1].Write(p) }
func (m multiHash) Sum(b []byte) []byte         { return m[1].Sum(m[0].Sum(b)) }
func (m multiHash) Reset()                      { m[0].Reset(); m[1].Reset() }
func (m multiHash) Size() int                   { return m[0].Size() + m[1].Size() }
func (m multiHash) BlockSize() int              { return m[0].BlockSize() }

// one reads (and with out set, copies) one file, hashing every byte; with
// block set it encrypts what it writes (store) or decrypts what it read
// (read) into enc.
func one(src, out string, f file, buf []byte, block cipher.Block, enc []byte) error {
	in, err := os.Open(filepath.Join(src, f.rel))
	if err != nil {
		return err
	}
	defer in.Close()
	h := newHash()
	var w io.Writer = h
	var dst *os.File
	if out != "" {
		p := filepath.Join(out, f.rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if dst, err = os.Create(p); err != nil {
			return err
		}
		defer dst.Close()
		w = io.MultiWriter(h, dst)
	}
	if block == nil {
		if _, err := io.CopyBuffer(w, struct{ io.Reader }{in}, buf); err != nil {
			return err
		}
	} else {
		var to io.Writer // nil for read
		if dst != nil {
			to = dst
		}
		if err := crypted(in, h, to, buf, enc, block); err != nil {
			return err
		}
	}
	h.Sum(nil)
	if dst != nil {
		return dst.Close()
	}
	return nil
}

// crypted streams in through AES-256-CTR: to dst (encrypted, its plain
// bytes hashed) when dst is set, else into h (read, decrypted, hashed).
func crypted(in io.Reader, h io.Writer, dst io.Writer, buf, enc []byte, block cipher.Block) error {
	iv := make([]byte, aes.BlockSize)
	rand.Read(iv)
	ctr := cipher.NewCTR(block, iv)
	for {
		n, err := io.ReadFull(in, buf)
		if n > 0 {
			ctr.XORKeyStream(enc[:n], buf[:n])
			if dst != nil {
				h.Write(buf[:n])
				if _, werr := dst.Write(enc[:n]); werr != nil {
					return werr
				}
			} else {
				h.Write(enc[:n])
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// syncFS makes everything written to the file system holding dir durable.
func syncFS(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return unix.Syncfs(int(d.Fd()))
}

func run(args []string) error {
	if len(args) == 0 {
		usage()
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peakRSS, peakAnon int64
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var werr error
wait:
	for {
		select {
		case werr = <-done:
			break wait
		case <-tick.C:
			rss, anon := status(cmd.Process.Pid)
			peakRSS, peakAnon = max(peakRSS, rss), max(peakAnon, anon)
		}
	}
	secs := time.Since(start).Seconds()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peakRSS = max(peakRSS, ru.Maxrss<<10) // kilobytes on Linux
	}
	code := cmd.ProcessState.ExitCode()
	var ee *exec.ExitError
	if werr != nil && !errors.As(werr, &ee) {
		return werr
	}
	fmt.Fprintf(os.Stderr, "seconds=%.3f peak_rss=%d peak_anon=%d exit=%d\n", secs, peakRSS, peakAnon, code)
	return nil
}

// status reads the high-water resident set (VmHWM) and the current
// anonymous resident memory (RssAnon) of a process, in bytes.
func status(pid int) (hwm, anon int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmHWM":
			hwm = n << 10
		case "RssAnon":
			anon = n << 10
		}
	}
	return hwm, anon
}
