package cli

import (
	"os"
	"strings"

	"github.com/custody-app/custody/archive/keys"
	"github.com/custody-app/custody/verify/prooffile"
)

// keyList is a repeatable --key: verifier keys trusted for one check.
type keyList []string

func (k *keyList) String() string { return strings.Join(*k, ",") }

func (k *keyList) Set(s string) error {
	*k = append(*k, keyArg(s))
	return nil
}

// keyArg is a --key value: the verifier key itself, as custody keys show
// prints it, or a file holding it (its first non-empty line), as the
// archivist may have handed it on.
func keyArg(s string) string {
	if _, _, err := keys.ParseVerifierKey(s); err == nil {
		return s
	}
	b, err := os.ReadFile(s)
	if err != nil || len(b) > 64<<10 {
		return s // not a file: the key check says what is wrong with it
	}
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return s
}

// checkProofWith checks a proof under each key given (any of them may be
// the signer's): the first under which it is proven wins; else the
// result under the first key, which says why.
func checkProofWith(in prooffile.Input, given keyList) *prooffile.Result {
	if len(given) == 0 {
		return prooffile.Check(in)
	}
	var first *prooffile.Result
	for _, k := range given {
		in.Key = k
		c := prooffile.Check(in)
		if c.Verdict == prooffile.Proven {
			return c
		}
		if first == nil {
			first = c
		}
	}
	return first
}
