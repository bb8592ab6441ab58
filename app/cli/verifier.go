package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/custody-app/custody/app/web"
	"github.com/custody-app/custody/archive/quote"
)

// runVerifier writes the browser verifier: one HTML page that checks a
// bundle offline (docs/verify-in-browser.md).
func runVerifier(env *Env, args []string) error {
	fs := newFlags("verifier")
	out := fs.String("out", "", "the HTML file to write")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if *out == "" || len(pos) != 0 {
		return &exitError{ExitFailed, errors.New("use: custody verifier --out FILE.html")}
	}
	page, err := web.Page()
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	if err := writeFileAtomic(*out, page); err != nil {
		return fmt.Errorf("could not write %s: %w", quote.Safe(*out), err)
	}
	fmt.Fprintf(env.Stdout, "Wrote the verifier page %s (%s).\nSHA-256: %s\n", quote.Safe(*out), web.Size(page), web.Sum(page))
	fmt.Fprintln(env.Stdout, "Open it in a web browser, even offline, and give it a bundle and the keys you trust. Publish the SHA-256 with it, so that a recipient can check their copy.")
	return nil
}

// pageFor returns the verifier page for bundle create --with-verifier.
func pageFor(with bool) ([]byte, error) {
	if !with {
		return nil, nil
	}
	page, err := web.Page()
	if err != nil {
		return nil, &exitError{ExitFailed, fmt.Errorf("--with-verifier: %w", err)}
	}
	return page, nil
}

// writeFileAtomic writes b to path whole or not at all.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".custody-page-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
