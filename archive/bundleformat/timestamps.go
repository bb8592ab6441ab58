package bundleformat

import "strconv"

// Time stamps of the bundle's checkpoint (docs/bundle-format.md, "Time
// stamps"): each file custody/timestamps/<n>.tsr (n = 1, 2, …) is one
// RFC 3161 TimeStampToken (DER, with the TSA's certificates) over the
// SHA-256 of custody/checkpoint's exact bytes. The folder is optional;
// a bundle made before any TSA was configured has none.
const (
	TimestampsDir = "custody/timestamps"
	// MaxTimestamps bounds the tokens one bundle carries.
	MaxTimestamps = 16
)

// TimestampFile is the path of the n-th token (from 1).
func TimestampFile(n int) string { return TimestampsDir + "/" + strconv.Itoa(n) + ".tsr" }
