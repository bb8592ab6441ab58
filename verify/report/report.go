// Package report holds what every Custody check produces: findings with
// stable codes, a list of checks and one verdict a person can read.
//
// The codes are part of the public interface. The CLI's --json output, the
// GUI, docs/cli.md and the tests all use the same strings, so a script
// written against one release keeps working with the next. Never rename a
// code; add a new one instead.
package report

import (
	"sort"
	"sync"
)

// Verdict sums up a whole report in the words of the design notes.
type Verdict string

const (
	Intact        Verdict = "INTACT"
	SignerUnknown Verdict = "INTACT, SIGNER UNKNOWN"
	NoProvenance  Verdict = "NO PROVENANCE"
	Tampered      Verdict = "TAMPERED"
	Forked        Verdict = "FORKED"
	// HistoryUnproven: the sender's signed history may be sound, but
	// nothing proves it continues the one this archive saw from the same
	// sender before (a copy of an archive used on its own, or a restored
	// backup, looks like this).
	HistoryUnproven Verdict = "HISTORY NOT PROVEN"
	Invalid         Verdict = "INVALID"
	// Corrupt is the archive's own verdict when stored bytes are wrong.
	Corrupt Verdict = "CORRUPT"
	// Unreadable means the check could not read something (an I/O error),
	// which says nothing about whether the bytes are right.
	Unreadable Verdict = "COULD NOT READ"
	// Cancelled means the check was stopped before it finished.
	Cancelled Verdict = "CANCELLED"
)

// Severity says how a finding counts towards the verdict.
type Severity string

const (
	// Problem findings make the verdict fail (exit code 1).
	Problem Severity = "problem"
	// IOError findings mean something could not be read (exit code 2).
	IOError Severity = "io-error"
	// Warning findings are legal but suspicious; they fail only --strict.
	Warning Severity = "warning"
)

// Finding is one thing a check found, with enough detail to act on it.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	Path     string   `json:"path,omitempty"`
	Doc      string   `json:"doc,omitempty"`
	Expected string   `json:"expected,omitempty"`
	Found    string   `json:"found,omitempty"`
	Message  string   `json:"message"`
	// Docs lists the documents a damaged record affects (a corrupt chunk
	// can belong to one document; a damaged table to many).
	Docs []string `json:"docs,omitempty"`
}

// Check is one named step of a verification and its outcome.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// Report collects checks and findings. It is safe for concurrent use while
// a check runs; read it only after the check returns.
type Report struct {
	mu       sync.Mutex
	Subject  string    `json:"subject"`
	Verdict  Verdict   `json:"verdict"`
	Checks   []Check   `json:"checks"`
	Findings []Finding `json:"findings"`
	Warnings []Finding `json:"warnings"`
}

// Add records a finding; warnings are kept apart from problems.
func (r *Report) Add(f Finding) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f.Severity == "" {
		f.Severity = Problem
	}
	if f.Severity == Warning {
		r.Warnings = append(r.Warnings, f)
		return
	}
	r.Findings = append(r.Findings, f)
}

// AddCheck records the outcome of one named check.
func (r *Report) AddCheck(name string, ok bool, detail string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Checks = append(r.Checks, Check{Name: name, OK: ok, Detail: detail})
}

// HasProblems reports whether any finding (not a warning) was added.
func (r *Report) HasProblems() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range r.Findings {
		if f.Severity == Problem {
			return true
		}
	}
	return false
}

// HasIOErrors reports whether anything could not be read.
func (r *Report) HasIOErrors() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range r.Findings {
		if f.Severity == IOError {
			return true
		}
	}
	return false
}

// Sort orders findings and warnings by path, then code, so reports are
// stable from run to run whatever order parallel workers finished in.
func (r *Report) Sort() {
	r.mu.Lock()
	defer r.mu.Unlock()
	less := func(s []Finding) func(i, j int) bool {
		return func(i, j int) bool {
			if s[i].Path != s[j].Path {
				return s[i].Path < s[j].Path
			}
			if s[i].Doc != s[j].Doc {
				return s[i].Doc < s[j].Doc
			}
			return s[i].Code < s[j].Code
		}
	}
	sort.SliceStable(r.Findings, less(r.Findings))
	sort.SliceStable(r.Warnings, less(r.Warnings))
}

// ExitCode maps a verdict to the CLI's exit codes: 0 intact, 1 a problem
// was found, 2 the check itself could not be done. With strict, unknown
// signers, missing provenance and warnings also count as problems.
func (r *Report) ExitCode(strict bool) int {
	switch r.Verdict {
	case Intact:
		if strict && len(r.Warnings) > 0 {
			return 1
		}
		return 0
	case Proven:
		return 0
	case SignerUnknown, NoProvenance, ProvenSignerUnknown:
		if strict {
			return 1
		}
		return 0
	case Unreadable, Cancelled, NotChecked:
		return 2
	default:
		return 1
	}
}
