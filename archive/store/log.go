package store

import (
	"fmt"
	"strings"
	"sync"
)

// Log is a badger.Logger that keeps Badger's errors and warnings so a
// verification report can show them. Badger logs some read failures and
// then returns success, so these lines can be the only trace of damage.
type Log struct {
	mu    sync.Mutex
	lines []string
}

const maxLogLines = 1000

func (l *Log) add(level, format string, args ...any) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) >= maxLogLines {
		return
	}
	l.lines = append(l.lines, level+": "+strings.TrimSpace(fmt.Sprintf(format, args...)))
}

// Errorf records an error line.
func (l *Log) Errorf(format string, args ...any) { l.add("error", format, args...) }

// Warningf records a warning line.
func (l *Log) Warningf(format string, args ...any) { l.add("warning", format, args...) }

// Infof drops informational lines.
func (l *Log) Infof(string, ...any) {}

// Debugf drops debug lines.
func (l *Log) Debugf(string, ...any) {}

// Lines returns the recorded lines so far.
func (l *Log) Lines() []string {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// Mark returns a position; Since returns the lines recorded after it.
func (l *Log) Mark() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

// Since returns the lines recorded after mark.
func (l *Log) Since(mark int) []string {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if mark > len(l.lines) {
		return nil
	}
	return append([]string(nil), l.lines[mark:]...)
}
