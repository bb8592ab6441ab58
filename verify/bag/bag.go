package bag

import (
	"sort"
	"strings"
)

// Bag is what a validated bag holds, for the layers that build on it (the
// provenance check reads custody/ tag files; the import reads the payload).
// It is filled as far as the bag could be read, even when the verdict is
// not a pass; trust it only together with the report.
type Bag struct {
	// Version is BagIt-Version from bagit.txt ("1.0", "0.97", ...).
	Version string `json:"version"`
	// Encoding is Tag-File-Character-Encoding ("UTF-8", "ISO-8859-1", ...).
	Encoding string `json:"encoding"`
	// InfoFile names the metadata tag file read: "bag-info.txt", or
	// "package-info.txt" in bags before 0.96; empty if there is none.
	InfoFile string `json:"info_file,omitempty"`
	// Info holds the bag-info fields in file order, repeated labels kept.
	Info []Field `json:"info,omitempty"`
	// Algorithms lists the payload manifest algorithms that were checked.
	Algorithms []string `json:"algorithms"`
	// Payload maps each payload file's path in the bag ("data/...", as
	// named on disk) to what the manifests say about it.
	Payload map[string]*File `json:"payload"`
	// Tags lists every file outside data/, sorted by path, with digests
	// from the tag manifests where they list it.
	Tags []*File `json:"tags"`
	// Fetch lists the entries of fetch.txt (never fetched).
	Fetch []FetchEntry `json:"fetch,omitempty"`
	// Custody is true when the bag has tag files under custody/, the
	// provenance data a later check verifies.
	Custody bool `json:"custody"`
}

// File is one file of a bag.
type File struct {
	// Path is the file's path in the bag, slash-separated, as on disk.
	Path string `json:"path"`
	// ManifestPath is the path as the manifest spells it, when that
	// differs from Path (Unicode normalisation, a literal "%25").
	ManifestPath string `json:"manifest_path,omitempty"`
	// Size in bytes, from the file system (or the zip's declared size).
	Size int64 `json:"size"`
	// Digests maps an algorithm ("sha256") to the lowercase hex checksum
	// the manifests give for this file.
	Digests map[string]string `json:"digests,omitempty"`
	// Verified is true when every manifest checksum of the file matched
	// its bytes.
	Verified bool `json:"verified"`
}

// FetchEntry is one line of fetch.txt.
type FetchEntry struct {
	URL string `json:"url"`
	// Length is the declared size in bytes, or -1 for "-".
	Length int64  `json:"length"`
	Path   string `json:"path"`
}

// InfoValues returns the values of a bag-info label (compared without
// regard to case), in file order.
func (b *Bag) InfoValues(label string) []string { return values(b.Info, label) }

// PayloadPaths returns the payload paths in sorted order.
func (b *Bag) PayloadPaths() []string {
	out := make([]string, 0, len(b.Payload))
	for p := range b.Payload {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Tag returns the tag file with the given path, or nil.
func (b *Bag) Tag(path string) *File {
	i := sort.Search(len(b.Tags), func(i int) bool { return b.Tags[i].Path >= path })
	if i < len(b.Tags) && b.Tags[i].Path == path {
		return b.Tags[i]
	}
	return nil
}

// Progress is a snapshot of a running validation: files and bytes hashed
// so far out of the totals, and a file being read.
type Progress struct {
	Files, Bytes, TotalFiles, TotalBytes int64
	Current                              string
}

// Options tune Validate. The zero value is ready to use.
type Options struct {
	// Workers is how many files are hashed at once; 0 means one per CPU.
	Workers int
	// Progress, if set, receives snapshots a few times a second and a final
	// one when hashing ends. Sends never block: a snapshot the receiver is
	// not ready for is dropped, so give the channel a buffer of one or more.
	Progress chan<- Progress
	// Subject names the bag in the report (a path or file name).
	Subject string
	// MaxFiles caps the files in a bag (default 1,000,000); MaxDepth caps
	// folder depth (default 64).
	MaxFiles, MaxDepth int
}

func isJunk(name string) bool {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	switch strings.ToLower(name) {
	case ".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", ".spotlight-v100",
		".trashes", ".fseventsd", ".temporaryitems", ".directory", "icon\r":
		return true
	}
	return strings.HasPrefix(name, "._") || strings.HasPrefix(name, "~$")
}

func junkHint(p string) string {
	if isJunk(p) || strings.Contains(p, "__MACOSX/") {
		return " It looks like a file the operating system made by itself (Finder or Explorer); if so, it is safe to delete."
	}
	return ""
}
