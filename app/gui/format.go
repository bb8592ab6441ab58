package gui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/custody-app/custody/archive/humansize"
)

// humanBytes writes a size for people: 1.4 MB, 812 kB, 12 bytes. The
// command line writes sizes the same way (archive/humansize).
func humanBytes(n int64) string { return humansize.Bytes(n) }

// count writes an integer with thousands separators: 100,000.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// plural writes "1 document", "3 documents".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return count(int64(n)) + " " + many
}

// shortTime is a record's time in the table: local, to the minute.
func shortTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

// longTime shows a time both local and in UTC, as the log records it.
func longTime(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.Local().Format("2 Jan 2006 15:04:05 MST") + "  (" + t.UTC().Format("2006-01-02T15:04:05Z") + ")"
}

// duration writes a remaining time roughly: "about 3 min", "under a minute".
func duration(d time.Duration) string {
	switch {
	case d < 0:
		return ""
	case d < 10*time.Second:
		return "a few seconds"
	case d < time.Minute:
		return fmt.Sprintf("about %d s", int(d.Seconds()+5)/10*10)
	case d < time.Hour:
		return fmt.Sprintf("about %d min", int(d.Minutes()+0.5))
	}
	return fmt.Sprintf("about %d h %d min", int(d.Hours()), int(d.Minutes())%60)
}

// displayPath shows a path for people: under the home folder as
// "~/…" (except on Windows, where that is not the custom).
func displayPath(p string) string {
	if runtime.GOOS == "windows" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" || home == "/" {
		return p
	}
	if p == home {
		return "~"
	}
	if strings.HasPrefix(p, home+string(filepath.Separator)) {
		return "~" + p[len(home):]
	}
	return p
}

// expandPath turns a leading "~/" typed by a person into the home folder.
func expandPath(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// shortID is the first 12 hex digits of a document ID.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// typeName turns a media type into a word for the table.
func typeName(mt string) string {
	base := mt
	if i := strings.IndexByte(base, ';'); i >= 0 {
		base = base[:i]
	}
	switch {
	case base == "message/rfc822":
		return "Email"
	case base == "application/json":
		return "JSON"
	case base == "text/html":
		return "HTML"
	case base == "text/xml", base == "application/xml":
		return "XML"
	case strings.HasPrefix(base, "text/"):
		return "Text"
	case base == "application/pdf":
		return "PDF"
	case strings.HasPrefix(base, "image/"):
		return "Image"
	case strings.HasPrefix(base, "audio/"):
		return "Audio"
	case strings.HasPrefix(base, "video/"):
		return "Video"
	case strings.Contains(base, "wordprocessingml"), base == "application/msword":
		return "Word"
	case strings.Contains(base, "spreadsheetml"), base == "application/vnd.ms-excel":
		return "Spreadsheet"
	case strings.Contains(base, "presentationml"), base == "application/vnd.ms-powerpoint":
		return "Slides"
	case base == "application/zip", base == "application/x-gzip", base == "application/x-rar-compressed":
		return "Archive"
	case base == "application/x-empty":
		return "Empty"
	}
	return "Other"
}

// typeNames lists the words typeName gives, for the type filter.
var typeNames = []string{"Email", "Text", "JSON", "HTML", "XML", "PDF", "Image", "Word", "Spreadsheet",
	"Slides", "Audio", "Video", "Archive", "Empty", "Other"}
