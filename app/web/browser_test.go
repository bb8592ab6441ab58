package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/custody-app/custody/app/cli"
	"github.com/custody-app/custody/app/web"
	"github.com/custody-app/custody/archive/archivetest"
	"github.com/custody-app/custody/archive/keys"
)

// long says whether the whole browser suite runs (CUSTODY_LONG=1);
// otherwise a handful of cases keep the normal run short.
func long() bool { return os.Getenv("CUSTODY_LONG") != "" }

var (
	pageOnce sync.Once
	pagePath string
	pageErr  error
)

// testPage builds the WebAssembly from the current source and writes the
// page to a file, once per test run.
func testPage(t *testing.T) string {
	t.Helper()
	pageOnce.Do(func() {
		dir, err := os.MkdirTemp("", "custody-page-")
		if err != nil {
			pageErr = err
			return
		}
		wasm := filepath.Join(dir, "v.wasm")
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, "./wasm")
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			pageErr = &buildError{string(out), err}
			return
		}
		raw, _ := os.ReadFile(wasm)
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(raw)
		zw.Close()
		goroot, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			pageErr = err
			return
		}
		loader, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
		if err != nil {
			pageErr = err
			return
		}
		page, err := web.PageWith(gz.Bytes(), loader)
		if err != nil {
			pageErr = err
			return
		}
		pagePath = filepath.Join(dir, "custody-verify.html")
		pageErr = os.WriteFile(pagePath, page, 0o644)
	})
	if pageErr != nil {
		t.Fatal(pageErr)
	}
	return pagePath
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string {
	return "building the WebAssembly: " + e.err.Error() + "\n" + e.out
}

// chromium finds a browser, or skips the test saying why.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CUSTODY_REQUIRE_TOOLS") != "" {
		t.Fatal("no Chromium to test the browser verifier in (scripts/deps installs the Debian package chromium)")
	}
	t.Skip("no Chromium installed (apt-get install chromium, or run scripts/deps): the browser verifier is not tested in a browser here")
	return ""
}

// browser is one headless Chromium with networking off, recording every
// request any page or worker makes.
type browser struct {
	ctx  context.Context
	mu   sync.Mutex
	urls []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.Flag("proxy-server", "127.0.0.1:9"), // a request that got past the page would fail, not leave
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	b := &browser{}
	ctx, cancel2 := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			b.mu.Lock()
			b.urls = append(b.urls, e.Request.URL)
			b.mu.Unlock()
		}
	}))
	t.Cleanup(cancel2)
	b.ctx = ctx
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	offline := []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}}
	if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: offline}); err != nil {
		t.Fatalf("turning the network off: %v", err)
	}
	return b
}

// requests returns every URL requested so far.
func (b *browser) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.urls...)
}

// pageResult is what the page shows when done.
type pageResult struct {
	State, Verdict, JSON, Error string
}

// check opens the page afresh, gives it the keys file (if any) and the
// bundle, and waits for the verdict.
func (b *browser) check(t *testing.T, page, keysFile, bundle string, folder bool) pageResult {
	t.Helper()
	return b.checkSeen(t, page, keysFile, "", bundle, folder)
}

// checkSeen is check with a file of checkpoints seen before.
func (b *browser) checkSeen(t *testing.T, page, keysFile, seenFile, bundle string, folder bool) pageResult {
	t.Helper()
	timeout := 60 * time.Second
	if os.Getenv("CUSTODY_BENCH_BUNDLE") != "" {
		timeout = time.Hour
	}
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	input := "#bundle-file"
	if folder {
		input = "#folder-file"
	}
	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate("file://" + page), chromedp.WaitReady(chromedp.CSS("body"))}
	if keysFile != "" {
		steps = append(steps, chromedp.SetUploadFiles(chromedp.CSS("#keys-file"), []string{keysFile}))
	}
	if seenFile != "" {
		steps = append(steps, chromedp.SetUploadFiles(chromedp.CSS("#seen-file"), []string{seenFile}))
	}
	steps = append(steps, chromedp.SetUploadFiles(chromedp.CSS(input), []string{bundle}),
		chromedp.WaitVisible(chromedp.CSS(`body[data-state="done"] #result, body[data-state="error"] #error`)))
	if err := chromedp.Do(ctx, steps...); err != nil {
		state, _ := b.text(`document.body.dataset.state + ": " + document.getElementById("status").textContent + " " + document.getElementById("error").textContent`)
		t.Fatalf("the page on %s: %v (the page is %s)", bundle, err, state)
	}
	read := func(js string) string {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("reading %s: %v", js, err)
		}
		return v
	}
	r := pageResult{State: read(`document.body.dataset.state`), Verdict: read(`document.body.dataset.verdict`),
		JSON: read(`document.getElementById("result-json").textContent`), Error: read(`document.getElementById("error").textContent`)}
	return r
}

// custody runs the command line in-process in dir (so that a bundle is
// named by the same relative path the page names it by).
func custody(t *testing.T, dir, archiveDir string, args ...string) (string, int) {
	t.Helper()
	t.Setenv("CUSTODY_PASSPHRASE", archivetest.Passphrase)
	var out, errb bytes.Buffer
	if dir != "" {
		t.Chdir(dir)
	}
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Archive: archiveDir, ScryptLogN: keys.MinScryptLogN}
	code := cli.Run(env, args)
	if code > 2 {
		t.Fatalf("custody %v: exit %d: %s", args, code, errb.String())
	}
	return out.String(), code
}

// verdictOf reads the verdict and the finding codes of --json output.
func verdictOf(t *testing.T, js string) (string, []string) {
	t.Helper()
	var r struct {
		Verdict  string `json:"verdict"`
		Findings []struct {
			Code string `json:"code"`
		} `json:"findings"`
		Warnings []struct {
			Code string `json:"code"`
		} `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, js)
	}
	var codes []string
	for _, f := range append(r.Findings, r.Warnings...) {
		codes = append(codes, f.Code)
	}
	return r.Verdict, codes
}

// text evaluates a JavaScript expression of the open page.
func (b *browser) text(js string) (string, error) {
	return chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
}
