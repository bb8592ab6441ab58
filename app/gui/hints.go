package gui

import "github.com/custody-app/custody/archive/errcode"

// hints is what the window tells its user to do about an error, by the
// error's code, in the words of its own buttons and menus (the command
// line has its own table, with flags and commands).
var hints = map[string]string{
	errcode.PassphraseNeeded:   "type it on the unlock page",
	errcode.ArchiveDamaged:     "choose Verify archive in the Verify menu for a full report",
	errcode.ChecksumUnverified: "only “Receive anyway…” can receive it",
	errcode.VerdictRefused:     "“Receive anyway…” receives it despite the verdict, and records that",
	errcode.ReadOnlyMedia:      "open it read-only to list, read, verify and export its documents; to change it, copy the folder to a writable disk",
	errcode.FolderGone:         "reconnect the disk (or restore the folder), then open the archive read-only and verify it",
	errcode.RemoteCredentials:  "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or ~/.aws/credentials) before starting Custody; it never stores them",
}

// hinted is err with the hint for its code appended, if hints has one.
func hinted(err error) error { return errcode.WithHint(err, hints) }
