package gui

// toolbarTips are the toolbar buttons' tooltips: what each does, and its
// keyboard shortcut.
var toolbarTips = map[string]string{
	"Import files":   "Add files to the archive; you can also drop them onto the window (Ctrl+I)",
	"Import folder":  "Add a folder and everything in it (Ctrl+Shift+I)",
	"Derive":         "Record a new version (a redaction, a translation) made from the open or the marked documents (Ctrl+D)",
	"Export bundle":  "Write chosen documents with their signed provenance as a BagIt bundle (Ctrl+E)",
	"Verify archive": "Check every document's bytes and the signed log (Ctrl+R)",
	"Verify bundle":  "Check a bundle someone sent you, as a folder or a .zip (Ctrl+B)",
	"Keys":           "Your signing key and the keys you trust (Ctrl+K)",
}

// tableKeys are the keys the document list handles itself, listed after
// the menus' shortcuts in Help → Keyboard shortcuts (docs/window.md says
// the same).
var tableKeys = []string{
	"Up, Down\tMove between documents",
	"Page Up, Page Down\tMove a screenful",
	"Home, End\tFirst, last document",
	"Enter\tOpen the document (in the search field: go to the list)",
	"Space\tMark or unmark the document (for export, derive)",
	"Tab, Shift+Tab\tMove between search, filters, buttons and the list",
}
