package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// Per-command help: "custody help COMMAND" and "custody COMMAND --help"
// print the same page, to stdout, and exit 0: what the command does, its
// usage lines, its flags and an example. The one-line description and
// the usage come from the commands table, so help and the command list
// never disagree; the examples are here.

var examples = map[string]string{
	"init":           `custody init --name "Ana Lima" --org "Daily Record"`,
	"passphrase":     `custody passphrase`,
	"import":         `custody import --source "USB stick from X, 3 March" ~/Desktop/leak`,
	"ls":             `custody ls --json`,
	"show":           `custody show 3fa8c2d1`,
	"cat":            `custody cat 3fa8c2d1 > memo.pdf`,
	"export":         `custody export --to ~/Desktop/out --all`,
	"derive":         `custody derive --from 3fa8c2d1 --kind redaction --note "names removed" memo-redacted.pdf`,
	"tag":            `custody tag 3fa8c2d1 privileged reviewed`,
	"note":           `custody note 3fa8c2d1 "seen by counsel on 3 March"`,
	"log":            `custody log 3fa8c2d1`,
	"checkpoint":     `custody checkpoint`,
	"prove":          `custody prove 3fa8c2d1 > proof.json`,
	"check-proof":    `custody check-proof --doc memo.pdf proof.json`,
	"keys":           `custody keys trust "Ana Lima" custody-ABCD-...+0a1b2c3d+AQ... --how "read aloud on a call"`,
	"verify":         `custody verify --rolling 10%`,
	"history":        `custody history --last 10`,
	"repair":         `custody repair --from /media/backup/Custody`,
	"bundle":         `custody bundle create --out case-17.zip --tag case-17`,
	"bundle create":  `custody bundle create --out case-17.zip --tag case-17 --disclose sources`,
	"bundle verify":  `custody bundle verify --report report.html case-17.zip`,
	"bundle receive": `custody bundle receive case-17.zip`,
	"witness":        `custody witness add "Paper B" https://witness.example/ custody-witness-ABCD-...+1a2b3c4d+BA...`,
}

// table is commands, set by init: the commands' functions reach the help
// page through flags, so a direct reference would be an initialization
// cycle.
var table []command

func init() { table = commands }

func findCommand(name string) *command {
	for i := range table {
		if table[i].name == name {
			return &table[i]
		}
	}
	return nil
}

// usageLines splits a command's argument summary into its forms, keeping
// only those of sub when it is a subcommand ("create", "verify").
func usageLines(c *command, sub string) []string {
	var out []string
	forms := []string{c.args}
	if strings.Contains(c.args, " | ") && (c.name == "bundle" || c.name == "keys") {
		forms = splitForms(c.args)
	}
	for _, f := range forms {
		f = strings.TrimSpace(f)
		if sub != "" && f != sub && !strings.HasPrefix(f, sub+" ") {
			continue
		}
		out = append(out, strings.TrimSpace("custody "+c.name+" "+f))
	}
	return out
}

// printHelp writes the help page of the command whose flags are fs (its
// name is "verify" or "bundle create"); fs is nil for a command without
// flags of its own.
func printHelp(w io.Writer, name string, fs *flag.FlagSet) {
	top, sub, _ := strings.Cut(name, " ")
	c := findCommand(top)
	if c == nil {
		return
	}
	fmt.Fprintf(w, "custody %s: %s\n\nUsage:\n", name, c.help)
	for _, l := range usageLines(c, sub) {
		fmt.Fprintf(w, "  %s\n", l)
	}
	hasFlags := false
	if fs != nil {
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	}
	if hasFlags {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	if top == "bundle" && sub == "" {
		fmt.Fprint(w, "\nEach form has its own flags: custody bundle create --help, and so on.\n")
	}
	fmt.Fprint(w, "\nGlobal flags (before the command): --archive DIR, --passphrase-file FILE.\n")
	if ex := examples[name]; ex != "" {
		fmt.Fprintf(w, "\nExample:\n  %s\n", ex)
	}
	fmt.Fprint(w, "\nMore: docs/cli.md. Exit codes: 0 all good, 1 a problem was found, 2 the command failed.\n")
}

// isHelp reports whether an argument asks for help.
func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" || a == "help" }

// splitForms splits "create ... [--all | --tag T] | verify PATH" at the
// bars outside brackets.
func splitForms(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
		case '|':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}
