package cli

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/custody-app/custody/archive"
	"github.com/custody-app/custody/archive/cosign"
	"github.com/custody-app/custody/archive/quote"
	"github.com/custody-app/custody/archive/witness"
)

const witnessUse = "use: custody witness key | serve --listen ADDR | add NAME URL KEY | list | remove NAME | request [--witness NAME] --out FILE | cosign FILE --out FILE | accept FILE"

func runWitness(env *Env, args []string) error {
	fs := newFlags("witness")
	listen := fs.String("listen", "", "address to serve add-checkpoint on (serve), e.g. 127.0.0.1:7380")
	out := fs.String("out", "", "file to write (request, cosign)")
	name := fs.String("witness", "", "the witness to make the request for (request; needed when several are added)")
	pos, err := flags(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return &exitError{ExitFailed, errors.New(witnessUse)}
	}
	switch {
	case pos[0] == "key" && len(pos) == 1:
		a, err := env.open(readWrite)
		if err != nil {
			return err
		}
		defer a.Close()
		wk, err := a.WitnessKey()
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, wk.VerifierKey)
		return nil
	case pos[0] == "serve" && len(pos) == 1 && *listen != "":
		return serveWitness(env, *listen)
	case pos[0] == "add" && len(pos) == 4:
		a, err := env.open(readWrite)
		if err != nil {
			return err
		}
		defer a.Close()
		key, err := readKeyArg(pos[3])
		if err != nil {
			return &exitError{ExitFailed, err}
		}
		if err := a.AddWitness(pos[1], pos[2], key); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Added the witness %s; custody checkpoint now asks it to cosign.\n", quote.Safe(pos[1]))
		return nil
	case pos[0] == "list" && len(pos) == 1:
		a, err := env.open(readOnly)
		if err != nil {
			return err
		}
		defer a.Close()
		peers, err := a.Witnesses()
		if err != nil {
			return err
		}
		for _, p := range peers {
			u := p.URL
			if u == "" {
				u = "(by files)"
			}
			fmt.Fprintf(env.Stdout, "%s  %s  cosigned size %d\n  %s\n", quote.Safe(p.Name), quote.Safe(u), p.Size, quote.Safe(p.VerifierKey))
		}
		if len(peers) == 0 {
			fmt.Fprintln(env.Stdout, "No witnesses: add one with custody witness add NAME URL KEY.")
		}
		logs, err := a.WitnessedLogs()
		if err != nil {
			return err
		}
		for _, l := range logs {
			fmt.Fprintf(env.Stdout, "witnessing %s  size %d\n", quote.Safe(l.Origin), l.State.Size)
		}
		return nil
	case pos[0] == "remove" && len(pos) == 2:
		a, err := env.open(readWrite)
		if err != nil {
			return err
		}
		defer a.Close()
		return a.RemoveWitness(pos[1])
	case pos[0] == "request" && len(pos) == 1 && *out != "":
		a, err := env.open(readOnly)
		if err != nil {
			return err
		}
		defer a.Close()
		body, err := a.WitnessRequest(*name)
		if err != nil {
			return err
		}
		return writeNewFile(*out, body)
	case pos[0] == "cosign" && len(pos) == 2 && *out != "":
		body, err := readBounded(pos[1], witness.MaxRequestSize)
		if err != nil {
			return err
		}
		a, err := env.open(readWrite)
		if err != nil {
			return err
		}
		defer a.Close()
		rep := a.AddCheckpoint(body)
		if rep.Status != http.StatusOK {
			fmt.Fprintf(env.Stdout, "REFUSED (%d %s)\n", rep.Status, http.StatusText(rep.Status))
			if rep.ContentType == witness.SizeType {
				fmt.Fprintf(env.Stdout, "  this witness cosigned size %s of that log last; the request is not from that size\n", strings.TrimSpace(string(rep.Body)))
			} else {
				fmt.Fprint(env.Stdout, evidenceLines(string(rep.Body)))
			}
			return exitCode(ExitProblem)
		}
		if err := writeNewFile(*out, rep.Body); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Cosigned; hand %s back to the log's archivist (custody witness accept).\n", quote.Safe(*out))
		return nil
	case pos[0] == "accept" && len(pos) == 2:
		body, err := readBounded(pos[1], witness.MaxAnswerSize)
		if err != nil {
			return err
		}
		a, err := env.open(readWrite)
		if err != nil {
			return err
		}
		defer a.Close()
		names, err := a.AcceptCosignatures(body)
		if err != nil {
			return problem("%v", err)
		}
		fmt.Fprintf(env.Stdout, "Kept the cosignature of %s.\n", quote.Safe(strings.Join(names, ", ")))
		return nil
	}
	return &exitError{ExitFailed, errors.New(witnessUse)}
}

func serveWitness(env *Env, addr string) error {
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	wk, err := a.WitnessKey()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: witness.Handler(a.AddCheckpoint), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
	fmt.Fprintf(env.Stdout, "Witness %s serving add-checkpoint on http://%s/add-checkpoint\n", wk.Name, ln.Addr())
	fmt.Fprintf(env.Stdout, "Archivists whose keys you trust add it with:\n  custody witness add NAME http://%s %s\nCtrl-C stops it.\n", ln.Addr(), wk.VerifierKey)
	go func() {
		<-env.ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// readKeyArg takes a key, or a file holding one.
func readKeyArg(s string) (string, error) {
	if strings.Contains(s, "+") {
		return s, nil
	}
	b, err := readBounded(s, 4<<10)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 0, 4096)
	buf := make([]byte, 32<<10)
	for {
		n, err := f.Read(buf)
		b = append(b, buf[:n]...)
		if int64(len(b)) > limit {
			return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
		}
		if err != nil {
			break
		}
	}
	return b, nil
}

// writeNewFile writes data to a file that must not exist yet.
func writeNewFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// gatherAtCheckpoint has the TSAs stamp what is unstamped and asks the
// witnesses for the checkpoint just printed, and prints what each did.
// Exit 1 when a witness refused it as inconsistent (a fork), 2 when a
// witness or TSA could not be reached or declined, else 0.
func gatherAtCheckpoint(env *Env) error {
	a, err := env.open(readWrite)
	if err != nil {
		return err
	}
	defer a.Close()
	stamps := a.StampCheckpoint(env.ctx, -1)
	for _, st := range stamps.Stamped {
		fmt.Fprintf(env.Stdout, "\ntime stamp of checkpoint %d by %s: recorded before %s\n", st.Size, quote.Safe(st.TSA), st.Time.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	for _, u := range stamps.Unreached {
		fmt.Fprintf(env.Stdout, "\ntime stamp by %s: not obtained (%s)\n", quote.Safe(u.TSA), quote.Safe(quote.Clip(u.Err.Error())))
	}
	res, err := a.GatherCosignatures(env.ctx)
	if err != nil {
		return err
	}
	if len(res.Witnesses) == 0 {
		if len(stamps.Unreached) > 0 {
			return exitCode(ExitFailed)
		}
		return nil
	}
	werr := printWitnessResult(env, res)
	if werr == nil && len(stamps.Unreached) > 0 {
		return exitCode(ExitFailed)
	}
	return werr
}

func printWitnessResult(env *Env, res archive.WitnessResult) error {
	w := env.Stdout
	fmt.Fprintln(w)
	for _, o := range res.Witnesses {
		fmt.Fprintf(w, "witness %s: %s", quote.Safe(o.Name), o.Status)
		if o.Line != nil {
			fmt.Fprintf(w, " at %s", o.Line.When().Format("2006-01-02 15:04 UTC"))
		}
		fmt.Fprintf(w, "\n  %s\n", quote.Safe(o.Detail))
	}
	switch {
	case res.Forked():
		fmt.Fprintln(w, "\nFORKED: a witness has cosigned another history of this archive's log. Another copy of this archive")
		fmt.Fprintln(w, "was used on its own and signed different events. Evidence (the witness's answers; hand this on):")
		for _, o := range res.Witnesses {
			if o.Status == archive.WitnessRefused {
				fmt.Fprintf(w, "--- %s\n%s\n", quote.Safe(o.Name), evidenceLines(o.Evidence))
			}
		}
		return exitCode(ExitProblem)
	case !res.AllCosigned():
		fmt.Fprintf(w, "\nCosigned by %d of %d witnesses; run custody checkpoint again when the others can be reached.\n",
			res.Count(archive.WitnessCosigned), len(res.Witnesses))
		return exitCode(ExitFailed)
	}
	fmt.Fprintf(w, "\nCosigned by %d of %d witnesses.\n", res.Count(archive.WitnessCosigned), len(res.Witnesses))
	return nil
}

// evidenceLines shows outside text line by line, made safe.
func evidenceLines(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("  " + quote.Safe(l) + "\n")
	}
	return b.String()
}

// witnessOptions reads --witness-key values and a --witness-policy file.
func witnessOptions(given keyList, policyPath string) ([]*cosign.Witness, *cosign.Policy, error) {
	var out []*cosign.Witness
	for _, k := range given {
		w, err := cosign.NewWitness("", k)
		if err != nil {
			return nil, nil, fmt.Errorf("--witness-key %s: %w", quote.Safe(quote.Clip(k)), err)
		}
		out = append(out, w)
	}
	if policyPath == "" {
		return out, nil, nil
	}
	b, err := readBounded(policyPath, cosign.MaxPolicySize)
	if err != nil {
		return nil, nil, err
	}
	p, err := cosign.ParsePolicy(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", quote.Safe(policyPath), err)
	}
	return out, p, nil
}
