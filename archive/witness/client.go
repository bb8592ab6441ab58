package witness

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/cosign"
)

// Answer is what a witness answered to add-checkpoint.
type Answer struct {
	Status int
	Lines  []cosign.Line // the cosignatures of a 200 answer
	Size   int64         // the witness's size in a 409 answer (-1 if it gave none)
	Body   []byte        // the answer's body as received (bounded), for evidence
}

// Timeout bounds one request when the caller's context has no deadline.
const Timeout = 20 * time.Second

// Endpoint is the add-checkpoint URL under a witness's submission prefix.
func Endpoint(prefix string) string { return strings.TrimSuffix(prefix, "/") + "/add-checkpoint" }

// Post sends req to the witness at prefix. An error means the witness
// could not be asked or its answer not read (unreachable); any answer it
// gave, a refusal included, is an Answer.
func Post(ctx context.Context, c *http.Client, prefix string, req *Request) (*Answer, error) {
	if c == nil {
		c = http.DefaultClient
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, Timeout)
		defer cancel()
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, Endpoint(prefix), bytes.NewReader(req.Bytes()))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := c.Do(hr)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswerSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the witness's answer: %w", err)
	}
	if len(body) > MaxAnswerSize {
		return nil, fmt.Errorf("the witness's answer is longer than %d bytes", MaxAnswerSize)
	}
	return ReadAnswer(resp.StatusCode, resp.Header.Get("Content-Type"), body)
}

// ReadAnswer interprets a witness's status and body.
func ReadAnswer(status int, contentType string, body []byte) (*Answer, error) {
	a := &Answer{Status: status, Size: -1, Body: body}
	switch status {
	case http.StatusOK:
		lines, err := cosign.ParseLines(body)
		if err != nil {
			return nil, fmt.Errorf("the witness's cosignatures: %w", err)
		}
		a.Lines = lines
	case http.StatusConflict:
		if strings.HasPrefix(contentType, SizeType) {
			if n, err := ParseSize(body); err == nil {
				a.Size = n
			}
		}
	}
	return a, nil
}
