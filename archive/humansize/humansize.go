// Package humansize writes byte counts for people to read, the same way in
// the window and at the terminal: "1 byte", "999 bytes", "1.5 kB",
// "123 MB". Units are decimal (1 kB = 1000 bytes), as file managers and
// disk makers count; three significant digits are enough to compare sizes
// at a glance, and the exact count is shown beside it where it matters.
package humansize

import "fmt"

// Bytes writes n bytes for people: "1 byte", "12 bytes", "1.5 kB",
// "812 kB", "1.4 MB". Below 100 of a unit one decimal is shown, above it
// none.
func Bytes(n int64) string {
	const unit = 1000
	if n < unit {
		if n == 1 {
			return "1 byte"
		}
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	v := float64(n) / float64(div)
	f := "%.1f %cB"
	if v >= 100 {
		f = "%.0f %cB"
	}
	return fmt.Sprintf(f, v, "kMGTPE"[exp])
}
