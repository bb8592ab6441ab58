// Package fonts holds the fonts Custody's PDF reports embed, so a report
// shows every name as it is (accents, Cyrillic, Greek, Arabic, Hebrew,
// Chinese, Japanese, Korean) on any computer, with nothing installed.
// A PDF carries only the glyphs it uses (a subset), so a report stays
// small; the binary carries the whole fonts (about 5.5 MB).
//
// DejaVu Sans and DejaVu Sans Bold (Bitstream Vera licence, with DejaVu's
// changes in the public domain: LICENSE-DejaVu.txt) cover Latin, Greek,
// Cyrillic, Arabic, Hebrew and many symbols. Droid Sans Fallback (Apache
// License 2.0: LICENSE-Apache-2.0.txt; Google) covers the CJK ideographs
// and kana that DejaVu lacks; NanumGothicCoding (SIL Open Font License
// 1.1: LICENSE-OFL-Nanum.txt; NAVER) covers Hangul. All are as Debian
// ships them (fonts-dejavu-core, fonts-droid-fallback, fonts-nanum),
// unmodified. The binary carries about 7.8 MB of fonts.
package fonts

import _ "embed"

// Sans is DejaVu Sans.
//
//go:embed DejaVuSans.ttf
var Sans []byte

// SansBold is DejaVu Sans Bold.
//
//go:embed DejaVuSans-Bold.ttf
var SansBold []byte

// CJK is Droid Sans Fallback Full: the glyphs DejaVu lacks.
//
//go:embed DroidSansFallbackFull.ttf
var CJK []byte

// Hangul is NanumGothicCoding: the Korean syllables the others lack.
//
//go:embed NanumGothicCoding.ttf
var Hangul []byte
