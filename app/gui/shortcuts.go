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

// ShortcutsText lists the window's keyboard shortcuts, for a Help page or
// dialog. On macOS, Cmd stands for Ctrl. docs/window.md says the same.
var ShortcutsText = `Documents list
  Ctrl+F            Search (focus the search field)
  Enter (in search) Go to the table
  Up, Down          Move between documents
  Page Up/Down      Move a screenful
  Home, End         First, last document
  Enter             Open the document
  Space             Mark or unmark the document (for export, derive)
  Tab, Shift+Tab    Move between search, filters, buttons and the table

Anywhere
  Esc               Close the dialog on top, or go back to the list
  Ctrl+L            All documents
  Ctrl+I            Import files
  Ctrl+Shift+I      Import a folder
  Ctrl+E            Export a bundle
  Ctrl+D            Derive a new version
  Ctrl+R            Verify the archive
  Ctrl+B            Verify a bundle
  Ctrl+K            Keys and trust
  Ctrl+Shift+L      Provenance log
  Ctrl+O            Open another archive
`
