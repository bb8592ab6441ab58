package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/custody-app/custody/archive/quote"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/blob"
	"github.com/custody-app/custody/archive/catalog"
	"github.com/custody-app/custody/archive/diskspace"
)

func runInit(env *Env, args []string) error {
	fs := newFlags("init")
	var n newArchive
	fs.StringVar(&n.name, "name", "", "the archivist's name (default: your user name)")
	fs.StringVar(&n.org, "org", "", "the archivist's organisation")
	fs.BoolVar(&n.noEncrypt, "no-encrypt", false, "do not encrypt the store (the signing key stays protected)")
	if pos, err := flags(fs, env, args); err != nil {
		return err
	} else if err := noArgs(fs.Name(), pos); err != nil {
		return err
	}
	dir := archive.Locate(env.Archive)
	if archive.Exists(dir) {
		return fmt.Errorf("there is already an archive in %s", dir)
	}
	a, err := env.openWith(createIfMissing, n)
	if err != nil {
		return err
	}
	defer a.Close()
	defer env.anchor(a) // runs before Close: stamps the checkpoints the command signed
	pub := a.Public()
	enc := "encrypted"
	if !pub.StoreEncrypted {
		enc = "not encrypted"
	}
	fmt.Fprintf(env.Stdout, "Created an archive in %s (store %s)\nArchivist: %s\nFingerprint: %s\nVerifier key: %s\n",
		quote.Safe(a.Dir()), enc, quote.Safe(pub.Name), pub.Fingerprint, quote.Safe(pub.VerifierKey))
	return nil
}

func runImport(env *Env, args []string) (err error) {
	fs := newFlags("import")
	source := fs.String("source", "", "where the material came from")
	note := fs.String("note", "", "a note kept with every document of this import")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	keep := fs.Bool("keep-changing", false, "keep a file that changes while it is read (noted \"changed while imported\") instead of skipping it")
	paths, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return &exitError{ExitFailed, errors.New("name at least one file or folder to import")}
	}
	// Refused before the archive is opened (or created): nothing changes.
	if err := archive.CheckImportPaths(archive.Locate(env.Archive), paths); err != nil {
		return err
	}
	// List the sources while the archive opens; the import then starts
	// while the passphrase is checked, and commits nothing until it is.
	scanned := make(chan *archive.Listing, 1)
	go func() { scanned <- archive.Scan(env.ctx, paths) }()
	a, err := env.openWith(createIfMissing, newArchive{unlockInBackground: true})
	if err != nil {
		return err
	}
	defer func() {
		// A store that cannot be closed (its folder gone) did not keep
		// what was imported: the exit code says so.
		if cerr := a.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	defer env.anchor(a) // runs before Close: stamps the checkpoints the command signed
	res, err := a.Import(env.ctx, paths, archive.ImportOptions{Source: *source, Note: *note, Progress: env.bar("Importing"),
		Listing: <-scanned, KeepChanging: *keep, NoFileList: !*asJSON})
	if res != nil {
		if *asJSON {
			writeJSON(env.Stdout, res)
		} else {
			printImport(env, res, err != nil)
		}
	}
	if err != nil {
		if env.ctx.Err() != nil {
			return fmt.Errorf("cancelled; %d documents were imported before that and are complete", res.Done)
		}
		var low *diskspace.ErrLow
		if errors.As(err, &low) && res != nil {
			return fmt.Errorf("%w; the import stopped there: the %s it had imported (%s) are kept, complete with their events, and the rest was not imported", err,
				plural(res.Done, "document"), humanBytes(res.Bytes))
		}
		return err
	}
	if res.Changing > 0 {
		return problem("%s changed while being read, twice, and not imported (see above); import again once complete, or use --keep-changing", plural(res.Changing, "file"))
	}
	return nil
}

// printImport sums up an import; stopped says it ended on an error, so
// the summary must not read as a success.
func printImport(env *Env, res *archive.ImportResult, stopped bool) {
	verb := "Imported"
	if stopped {
		verb = "Stopped before the end. Kept"
	}
	fmt.Fprintf(env.Stdout, "%s %s (%s), %s already present, %s skipped.\n", verb,
		plural(res.Added, "new document"), humanBytes(res.Bytes), plural(res.Duplicates, "file"), plural(len(res.Skipped), "path"))
	if res.Unchanged > 0 {
		fmt.Fprintf(env.Stdout, "  %s already recorded under the same name and source: nothing new was logged for them.\n", plural(res.Unchanged, "file"))
	}
	for _, r := range res.Repaired {
		fmt.Fprintf(env.Stdout, "  repaired %s from %s (%s)\n", r.ID[:12], quote.Safe(r.Path), quote.Safe(r.Damage))
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(env.Stdout, "  skipped %s: %s\n", quote.Safe(s.Path), quote.Safe(s.Reason))
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(env.Stdout, "  warning %s: %s\n", quote.Safe(w.Path), quote.Safe(w.Reason))
	}
}

// listEntry is one line of "custody ls --json".
type listEntry struct {
	ID        string    `json:"id"`
	Size      int64     `json:"size"`
	Name      string    `json:"name"`
	MediaType string    `json:"media_type"`
	Source    string    `json:"source,omitempty"`
	Imported  time.Time `json:"imported"`
}

func runLs(env *Env, args []string) error {
	fs := newFlags("ls")
	asJSON := fs.Bool("json", false, "print JSON")
	if pos, err := flags(fs, env, args); err != nil {
		return err
	} else if err := noArgs(fs.Name(), pos); err != nil {
		return err
	}
	a, err := env.open(readOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	// Streamed, a line (or a JSON entry) per record as it is read: a
	// million documents are never held at once.
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	var bad, n int
	err = a.Each(func(r *catalog.Record) error {
		if *asJSON {
			b, err := json.MarshalIndent(listEntry{r.ID, r.Size, r.FirstName(), r.MediaType, r.Source, r.Imported}, "  ", "  ")
			if err != nil {
				return err
			}
			sep := ",\n  "
			if n == 0 {
				sep = "[\n  "
			}
			n++
			w.WriteString(sep)
			_, err = w.Write(b)
			return err
		}
		// One line per document, whatever its name holds.
		_, err := fmt.Fprintf(w, "%s %12d %s\n", r.ID, r.Size, r.ShownName())
		return err
	}, func(id [32]byte, err error) {
		bad++
		w.Flush()
		fmt.Fprintf(env.Stderr, "custody ls: %s\n", quote.Safe(err.Error()))
	})
	if *asJSON && err == nil {
		if n == 0 {
			w.WriteString("[]\n")
		} else {
			w.WriteString("\n]\n")
		}
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if bad > 0 {
		return problem("%s could not be read; run custody verify", plural(bad, "record"))
	}
	return nil
}

func runShow(env *Env, args []string) error {
	fs := newFlags("show")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &exitError{ExitFailed, errors.New("give one document (its ID or 8+ of its first hex digits)")}
	}
	a, err := env.open(readOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	id, err := a.Resolve(pos[0])
	if err != nil {
		return err
	}
	r, err := a.Record(id)
	if err != nil {
		return err
	}
	if *asJSON {
		writeJSON(env.Stdout, r)
		return nil
	}
	w := env.Stdout
	size := fmt.Sprintf("%d bytes", r.Size)
	if r.Size >= 1000 { // below, humanBytes would say the same again
		size += " (" + humanBytes(r.Size) + ")"
	}
	fmt.Fprintf(w, "ID:        %s\nSize:      %s\nType:      %s\nImported:  %s\n",
		r.ID, size, quote.Safe(r.MediaType), r.Imported.Format(time.RFC3339))
	if r.Source != "" {
		fmt.Fprintf(w, "Source:    %s\n", quote.Safe(r.Source))
	}
	if r.Note != "" {
		fmt.Fprintf(w, "Note:      %s\n", quote.Safe(r.Note))
	}
	if r.Kind != "" {
		fmt.Fprintf(w, "Derived:   %s of %s\n", quote.Safe(r.Kind), quote.Safe(fmt.Sprint(r.Parents)))
	}
	if len(r.Tags) > 0 {
		fmt.Fprintf(w, "Tags:      %s\n", shownList(r.Tags))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "Note:      %s\n", quote.Safe(n))
	}
	fmt.Fprintf(w, "Names:\n")
	for _, n := range r.Names {
		src := ""
		if n.Source != "" {
			src = "  (source: " + quote.Safe(n.Source) + ")"
		}
		fmt.Fprintf(w, "  %s  %s%s\n", n.Time.Format(time.RFC3339), n.Shown(), src)
	}
	ups, err := a.Upstream(id)
	if err != nil {
		return err
	}
	printUpstreamShort(w, ups)
	return printDKIM(w, a, id)
}

func runCat(env *Env, args []string) error {
	fs := newFlags("cat")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &exitError{ExitFailed, errors.New("give one document (its ID or 8+ of its first hex digits)")}
	}
	a, err := env.open(readOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	id, err := a.Resolve(pos[0])
	if err != nil {
		return err
	}
	r, _, err := a.OpenDoc(id)
	if err != nil {
		return err
	}
	if _, err := io.Copy(env.Stdout, r); err != nil {
		return docReadError(id, err)
	}
	return nil
}

func runExport(env *Env, args []string) error {
	fs := newFlags("export")
	to := fs.String("to", "", "folder to write into (created if missing)")
	all := fs.Bool("all", false, "export every document")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if *to == "" || (len(pos) == 0) == !*all {
		return &exitError{ExitFailed, errors.New("use --to DIR and either some documents or --all")}
	}
	a, err := env.open(readOnly)
	if err != nil {
		return err
	}
	defer a.Close()
	var ids [][32]byte
	if *all {
		err = a.Each(func(r *catalog.Record) error { ids = append(ids, r.Sum()); return nil }, nil)
	}
	for _, ref := range pos {
		id, rerr := a.Resolve(ref)
		if rerr != nil {
			return rerr
		}
		ids = append(ids, id)
	}
	if err != nil {
		return err
	}
	done, err := a.Export(env.ctx, ids, *to, env.bar("Exporting"))
	fmt.Fprintf(env.Stdout, "Exported %s to %s\n", plural(len(done), "document"), quote.Safe(*to))
	if err != nil && (errors.Is(err, blob.ErrCorrupt) || errors.Is(err, blob.ErrMissing)) {
		return docReadError([32]byte{}, err)
	}
	if err != nil {
		return err // each document's error says whether reading or writing failed
	}
	return nil
}

// shownList shows a list of outside strings (tags) as [a, b], each
// through quote.Safe.
func shownList(items []string) string {
	shown := make([]string, len(items))
	for i, s := range items {
		shown[i] = quote.Safe(s)
	}
	return "[" + strings.Join(shown, ", ") + "]"
}

func writeJSON(w io.Writer, v any) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice && rv.IsNil() {
		v = []struct{}{} // a nil list at the top: []
	} else {
		emptyArrays(rv)
	}
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	e.Encode(v)
}

var _ = os.Stdout
