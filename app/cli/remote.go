package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/humansize"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/remote"
)

// runRemote adds, lists and removes remote copies (docs/remote.md).
func runRemote(env *Env, args []string) error {
	fs := newFlags("remote")
	endpoint := fs.String("endpoint", "", "the object store's `URL` (default: AWS S3)")
	asJSON := fs.Bool("json", false, "list as JSON")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return errors.New("say what to do: custody remote add NAME s3://BUCKET/PREFIX [--endpoint URL] | list | remove NAME")
	}
	switch pos[0] {
	case "add":
		if len(pos) != 3 {
			return errors.New("custody remote add NAME s3://BUCKET/PREFIX [--endpoint URL]")
		}
		loc, err := remote.ParseURL(pos[2], *endpoint)
		if err != nil {
			return err
		}
		a, err := env.open(readWrite)
		if err != nil {
			return err
		}
		defer a.Close()
		if err := remote.Add(env.ctx, a, pos[1], loc); err != nil {
			return hinted(err)
		}
		fmt.Fprintf(env.Stdout, "Remote %s is %s. Push to it with: custody push %s\n", pos[1], loc.URL(), pos[1])
		return nil
	case "list":
		a, err := env.open(readOnly)
		if err != nil {
			return err
		}
		defer a.Close()
		list, err := remote.List(a)
		if err != nil {
			return err
		}
		if *asJSON {
			if list == nil {
				list = []remote.Named{}
			}
			writeJSON(env.Stdout, list)
			return nil
		}
		if len(list) == 0 {
			fmt.Fprintln(env.Stdout, "No remote: add one with custody remote add NAME s3://BUCKET/PREFIX")
		}
		for _, r := range list {
			fmt.Fprintf(env.Stdout, "%s\t%s\t%s\n", r.Name, r.URL(), remoteSummary(r.State))
		}
		return nil
	case "remove":
		if len(pos) != 2 {
			return errors.New("custody remote remove NAME")
		}
		a, err := env.open(readWrite)
		if err != nil {
			return err
		}
		defer a.Close()
		if err := a.RemoveRemote(pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Remote %s forgotten; its copy stays in the object store.\n", pos[1])
		return nil
	}
	return fmt.Errorf("custody remote: unknown action %s (add, list or remove)", quote.Safe(pos[0]))
}

// remoteSummary says when a remote was last pushed to and checked.
func remoteSummary(st *remote.State) string {
	s := "never pushed"
	if p := st.LastPush; p != nil {
		s = fmt.Sprintf("pushed %s (log events %d)", p.At.Local().Format(time.DateTime), p.LogSize)
	}
	if c := st.LastCheck; c != nil {
		s += fmt.Sprintf("; checked %s: %s", c.At.Local().Format(time.DateTime), c.Verdict)
	} else {
		s += "; never checked"
	}
	return s
}

// onlyRemote returns the remote a command names, or the only one there
// is.
func onlyRemote(a *archive.Archive, pos []string) (string, error) {
	if len(pos) > 1 {
		return "", errors.New("give one remote")
	}
	if len(pos) == 1 {
		return pos[0], nil
	}
	list, err := remote.List(a)
	if err != nil {
		return "", err
	}
	switch len(list) {
	case 0:
		return "", errors.New("no remote: add one with custody remote add NAME s3://BUCKET/PREFIX")
	case 1:
		return list[0].Name, nil
	}
	return "", errors.New("there are several remotes: name one (custody remote list)")
}

// runPush uploads what a remote lacks.
func runPush(env *Env, args []string) error {
	fs := newFlags("push")
	workers := fs.Int("workers", 4, "pack files uploaded at once")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	name, err := onlyRemote(a, pos)
	if err != nil {
		return err
	}
	pass, _ := env.passphrase("")
	rec, err := remote.Push(env.ctx, a, name, remote.PushOptions{Passphrase: pass, Workers: *workers, Progress: env.bar("Pushing")})
	if err != nil {
		if env.ctx.Err() != nil {
			return fmt.Errorf("push stopped; what was uploaded stays there, and custody push %s continues", name)
		}
		return hinted(err)
	}
	fmt.Fprintf(env.Stdout, "Pushed to %s: %s uploaded (%s), %s already there; store snapshot %s with %s.\n",
		name, plural(rec.Packs, "pack file"), humansize.Bytes(rec.Bytes), plural(rec.PacksThere, "pack file"),
		humansize.Bytes(rec.Snapshot), plural(int(rec.LogSize), "log event"))
	return nil
}

// runClone makes a working archive from a remote copy.
func runClone(env *Env, args []string) error {
	fs := newFlags("clone")
	endpoint := fs.String("endpoint", "", "the object store's `URL` (default: AWS S3)")
	workers := fs.Int("workers", 4, "pack files downloaded at once")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return errors.New("custody clone [--endpoint URL] s3://BUCKET/PREFIX DIR")
	}
	loc, err := remote.ParseURL(pos[0], *endpoint)
	if err != nil {
		return err
	}
	pass, err := env.passphrase("Passphrase of the archive pushed to " + loc.URL() + ": ")
	if err != nil {
		return err
	}
	if err := remote.Clone(env.ctx, loc, pos[1], remote.CloneOptions{Passphrase: pass, Workers: *workers, Progress: env.bar("Cloning")}); err != nil {
		return hinted(err)
	}
	a, err := archive.Open(pos[1], archive.Options{Passphrase: pass})
	if err != nil {
		return fmt.Errorf("the clone was made but does not open: %w", err)
	}
	defer a.Close()
	n, _ := a.LogSize()
	fmt.Fprintf(env.Stdout, "Cloned %s into %s (log events %d). Check it with: custody --archive %s verify\n",
		loc.URL(), quote.Safe(a.Dir()), n, quote.Safe(a.Dir()))
	return nil
}
