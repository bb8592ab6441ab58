package pathsafe

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckBagPath(t *testing.T) {
	const (
		ok       = "ok"
		unsafe   = "unsafe"
		portable = "not portable"
	)
	long := strings.Repeat("é", 128) + ".t" // 258 bytes
	tests := []struct {
		path string
		want string
	}{
		{"data/file.txt", ok},
		{"data/test file with spaces.txt", ok},
		{"data/%test2.txt", ok},
		{"data/%7Edir2/test4.txt", ok},
		{"data/dir1/~test3.txt", ok},
		{"data/Núñez", ok},
		{"bagit.txt", ok},
		{"custody/events.jsonl", ok},
		{"data/a-b_c.d.e", ok},
		{"data/$money.txt", ok},
		{"data/x%HOME%", ok},

		{"", unsafe},
		{"/var/foo", unsafe},
		{"/etc/passwd", unsafe},
		{"../../../README.md", unsafe},
		{"data/../../../secrets.json", unsafe},
		{"data/..", unsafe},
		{`\.\./\.\./\.\./README.md`, unsafe},
		{`..\..\..\win32\cmd.exe`, unsafe},
		{`data\file.txt`, unsafe},
		{"~/foo", unsafe},
		{"~root/foo", unsafe},
		{"~/.pgp/id_rsa", unsafe},
		{`C:\Windows\System32\setx.exe`, unsafe},
		{"C:/drive.txt", unsafe},
		{"c:relative.txt", unsafe},
		{`%HomeDrive%\Windows\System32\setx.exe`, unsafe},
		{"%HomeDrive%/Windows/System32/setx.exe", unsafe},
		{"$HOME/x", unsafe},
		{"${HOME}/x", unsafe},
		{`\\?\UNC\server\Windows\System32\setx.exe`, unsafe},
		{`\\?\C:\`, unsafe},
		{`\\.\COM56`, unsafe},
		{"//server/share/x", unsafe},
		{"COM1:", unsafe},
		{"data/aux:", unsafe},
		{"data//x", unsafe},
		{"data/", unsafe},
		{"./data/x", unsafe},
		{"data/./x", unsafe},
		{"data/a\x00b", unsafe},
		{"data/a\nb", unsafe},
		{"data/a\rb", unsafe},
		{"data/a\x1bb", unsafe},
		{"data/a\x7fb", unsafe},

		{"data/CON", portable},
		{"data/con", portable},
		{"data/aux.txt", portable},
		{"data/Nul.tar.gz", portable},
		{"data/CON .txt", portable},
		{"data/COM1", portable},
		{"data/lpt9.log", portable},
		{"data/COM0", portable},
		{"data/COM¹", portable},
		{"data/lpt³.txt", portable},
		{"data/CONIN$", portable},
		{"data/sub/PRN/x.txt", portable},
		{"data/a<b", portable},
		{"data/a>b", portable},
		{"data/a:b", portable},
		{`data/a"b`, portable},
		{"data/a|b", portable},
		{"data/a?b", portable},
		{"data/a*b", portable},
		{"data/trailing.", portable},
		{"data/trailing ", portable},
		{"data/dir./x", portable},
		{"data/" + long, portable},
		{"data/\xff\xfe", portable},

		{"data/COM10", ok},
		{"data/CONSOLE", ok},
		{"data/auxiliary.txt", ok},
		{"data/LPT", ok},
		{"data/" + strings.Repeat("a", 255), ok},
	}
	for _, tc := range tests {
		err := CheckBagPath(tc.path)
		got := ok
		switch {
		case errors.Is(err, ErrUnsafe):
			got = unsafe
		case errors.Is(err, ErrNotPortable):
			got = portable
		case err != nil:
			t.Errorf("CheckBagPath(%q) = %v: wraps neither sentinel", tc.path, err)
		}
		if got != tc.want {
			t.Errorf("CheckBagPath(%q) = %s (%v), want %s", tc.path, got, err, tc.want)
		}
		var pe *PathError
		if err != nil && (!errors.As(err, &pe) || pe.Path != tc.path || pe.Reason == "") {
			t.Errorf("CheckBagPath(%q): error %#v lacks path or reason", tc.path, err)
		}
	}
}

func TestPortable(t *testing.T) {
	long := strings.Repeat("é", 200) + ".pdf"
	tests := []struct {
		in, want string
	}{
		{"report.pdf", "report.pdf"},
		{"Núñez", "Núñez"},
		{"CON", "CON_"},
		{"con.txt", "con_.txt"},
		{"aux.tar.gz", "aux_.tar.gz"},
		{"COM¹", "COM¹_"},
		{"LPT1.log", "LPT1_.log"},
		{`a<b>c:d"e|f?g*h\i/j`, "a_b_c_d_e_f_g_h_i_j"},
		{"tab\there", "tab_here"},
		{"bell\x07", "bell_"},
		{"name.", "name_"},
		{"name. .", "name___"},
		{"name ", "name_"},
		{"\xff\xfebad", "__bad"},
		{"", "_"},
		{".", "_"},
		{"..", "__"},
		{".hidden", ".hidden"},
		{"CONSOLE", "CONSOLE"},
	}
	for _, tc := range tests {
		got, changed := Portable(tc.in)
		if got != tc.want || changed != (tc.in != tc.want) {
			t.Errorf("Portable(%q) = %q, %v; want %q, %v", tc.in, got, changed, tc.want, tc.in != tc.want)
		}
		if err := CheckBagPath("data/" + got); err != nil {
			t.Errorf("Portable(%q) = %q, which CheckBagPath rejects: %v", tc.in, got, err)
		}
	}

	got, changed := Portable(long)
	if !changed || len(got) > MaxNameBytes || !utf8.ValidString(got) || !strings.HasSuffix(got, ".pdf") {
		t.Errorf("Portable(long) = %q (%d bytes), changed %v", got, len(got), changed)
	}
	other, _ := Portable(strings.Repeat("é", 201) + ".pdf")
	if other == got {
		t.Errorf("two long names that share a beginning map to the same name %q", got)
	}
	if err := CheckBagPath("data/" + got); err != nil {
		t.Errorf("shortened name rejected: %v", err)
	}
}

func TestFoldKey(t *testing.T) {
	same := [][2]string{
		{"data/hello.txt", "data/HELLO.txt"},
		{"data/Macrodata.txt", "data/macrodata.txt"},
		{"data/caf\u00e9", "data/cafe\u0301"},
		{"data/CAF\u00c9", "data/cafe\u0301"},
		{"data/Stra\u00dfe", "data/STRASSE"},
		{"data/N\u00fa\u00f1ez", "data/Nu\u0301n\u0303ez"},
	}
	for _, p := range same {
		if FoldKey(p[0]) != FoldKey(p[1]) {
			t.Errorf("FoldKey(%q) = %q, FoldKey(%q) = %q; want equal", p[0], FoldKey(p[0]), p[1], FoldKey(p[1]))
		}
	}
	differ := [][2]string{
		{"data/a.txt", "data/b.txt"},
		{"data/cafe", "data/café"},
		{"data/x/y", "data/x_y"},
	}
	for _, p := range differ {
		if FoldKey(p[0]) == FoldKey(p[1]) {
			t.Errorf("FoldKey(%q) == FoldKey(%q); want different", p[0], p[1])
		}
	}
	if NFC("cafe\u0301") != "caf\u00e9" {
		t.Errorf("NFC did not compose")
	}
}

func FuzzCheckBagPath(f *testing.F) {
	for _, s := range []string{"data/x", "../x", `C:\x`, "data/CON", "~/x", "data/\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		err := CheckBagPath(p)
		if err == nil {
			if strings.Contains(p, "..") && (p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "/../") || strings.HasSuffix(p, "/..")) {
				t.Fatalf("accepted %q", p)
			}
			if strings.HasPrefix(p, "/") || strings.Contains(p, `\`) {
				t.Fatalf("accepted %q", p)
			}
		}
		for _, el := range strings.Split(p, "/") {
			safe, _ := Portable(el)
			if err := CheckBagPath("data/" + safe); err != nil {
				t.Fatalf("Portable(%q) = %q rejected: %v", el, safe, err)
			}
		}
	})
}
