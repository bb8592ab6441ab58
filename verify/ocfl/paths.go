package ocfl

import (
	"regexp"
	"sort"
	"strings"
)

// versionName is a parsed version folder name: v1, v2 … or zero-padded
// v001, v002 ….
type versionName struct {
	num    int
	digits int  // how many digits the name has
	padded bool // the digits start with 0
}

// parseVersion reads "v" followed by decimal digits, the number at least 1.
func parseVersion(s string) (versionName, bool) {
	if len(s) < 2 || s[0] != 'v' || len(s) > 12 {
		return versionName{}, false
	}
	n := 0
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return versionName{}, false
		}
		n = n*10 + int(c-'0')
	}
	if n < 1 {
		return versionName{}, false
	}
	return versionName{num: n, digits: len(s) - 1, padded: s[1] == '0'}, true
}

// pathProblem checks a logical or content path: it returns "edge" when it
// begins or ends with "/", "element" when an element is ".", ".." or
// empty, and "" when it is fine.
func pathProblem(p string) string {
	if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return "edge"
	}
	for _, el := range strings.Split(p, "/") {
		if el == "" || el == "." || el == ".." {
			return "element"
		}
	}
	return ""
}

// conflicts returns pairs of paths where one is the other, or a folder
// holding the other ("a/b" and "a/b/c"). paths is sorted in place.
func conflicts(paths []string) [][2]string {
	sort.Strings(paths)
	var out [][2]string
	for i := 1; i < len(paths); i++ {
		if paths[i] == paths[i-1] {
			out = append(out, [2]string{paths[i-1], paths[i]})
		}
	}
	// A folder path "a/b" sorts before "a/b/c" but possibly not directly
	// before it ("a/b", "a/b-x", "a/b/c"), so look each up as a prefix.
	set := make(map[string]bool, len(paths))
	for _, p := range paths {
		set[p] = true
	}
	for _, p := range paths {
		for i := strings.IndexByte(p, '/'); i >= 0; {
			if set[p[:i]] {
				out = append(out, [2]string{p[:i], p})
			}
			j := strings.IndexByte(p[i+1:], '/')
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	return out
}

var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$`)

// uriScheme matches what starts a URI (RFC 3986: a scheme, then ":").
var uriScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$`)

func isURI(s string) bool { return uriScheme.MatchString(s) }

// isHex reports whether s is n hex digits, in either case.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
