// Package tsaclient asks an RFC 3161 time-stamping authority for a token
// over HTTP. It is apart from archive/tsa, which checks tokens, so that
// what a recipient runs (the bundle checker, the browser verifier) links
// no HTTP client.
package tsaclient

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/tsa"
	"github.com/digitorus/timestamp"
)

// Timeout is how long Fetch waits for a TSA by default: a stamp is never
// worth holding up an import; an unanswered one is asked again later.
const Timeout = 5 * time.Second

// Fetch asks the TSA at url to stamp the SHA-256 of msg, with a fresh
// nonce and its certificate chain requested, and returns the token it
// signed (the TimeStampToken, DER). The answer is checked: it must be
// granted, vouch for msg's hash and echo the nonce; its signature must
// verify under the certificate it carries (Check with no roots). client
// nil means http.DefaultClient with Timeout.
func Fetch(ctx context.Context, client *http.Client, url string, msg []byte) ([]byte, error) {
	if client == nil {
		client = &http.Client{Timeout: Timeout}
	}
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(msg)
	req, err := (&timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: sum[:], Certificates: true, Nonce: nonce}).Marshal()
	if err != nil {
		return nil, err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("the TSA address %s cannot be used: %w", quote.Safe(url), err)
	}
	hreq.Header.Set("Content-Type", "application/timestamp-query")
	resp, err := client.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("the TSA did not answer: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, tsa.MaxToken+1))
	if err != nil {
		return nil, fmt.Errorf("reading the TSA's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the TSA answered HTTP %d", resp.StatusCode)
	}
	if len(body) > tsa.MaxToken {
		return nil, fmt.Errorf("the TSA's answer is larger than %d bytes", tsa.MaxToken)
	}
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		return nil, fmt.Errorf("the TSA's answer is not a granted time stamp: %s", quote.Clip(quote.Safe(err.Error())))
	}
	if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
		return nil, fmt.Errorf("the TSA's answer does not echo this request's nonce")
	}
	if _, err := tsa.Check(ts.RawToken, msg, nil); err != nil {
		return nil, err
	}
	return ts.RawToken, nil
}
