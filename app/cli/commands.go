package cli

// commands is every command, in the order help lists them: the order of
// a person's work, as docs/cli.md tells it (create, bring documents in,
// look at them, record their history, prove it, check it, share it).
// TestHelpOrderFollowsDocs keeps the two in step.
var commands = []command{
	{"init", "[--name NAME] [--org ORGANISATION] [--no-encrypt]", "create the archive and the archivist's key", runInit},
	{"passphrase", "", "change the archive's passphrase", runPassphrase},
	{"import", "[--source LABEL] [--note TEXT] [--json] PATH...", "import files and folders (creates the archive if missing)", runImport},
	{"ls", "[--json]", "list documents: ID, size, first name", runLs},
	{"show", "[--json] DOC", "show a document's record (DOC: ID or 8+ hex digits of it)", runShow},
	{"cat", "DOC", "write a document's bytes to stdout, verified", runCat},
	{"export", "--to DIR DOC...|--all", "write documents to a folder under their original names", runExport},
	{"derive", "--from DOC[,DOC] --kind redaction|conversion|extraction|translation|other [--note TEXT] FILE",
		"import FILE as a new version derived from other documents", runDerive},
	{"tag", "DOC TAG...", "add tags to a document (logged)", runTag},
	{"note", "DOC TEXT", "add a note to a document (logged)", runNote},
	{"log", "[--json] [DOC]", "list log events, newest last; with DOC, its provenance chain", runLog},
	{"checkpoint", "", "print the latest signed checkpoint (what you publish)", runCheckpoint},
	{"prove", "DOC", "write a proof of DOC's provenance (JSON) to stdout", runProve},
	{"check-proof", "--doc FILE [--checkpoint PUBLISHED] [--key KEY] PROOF.json",
		"check a proof with no archive at all", runCheckProof},
	{"keys", "show | list | trust NAME KEY [--how TEXT] | untrust NAME",
		"your own key, and the keys of archivists you trust", runKeys},
	{"verify", "[--json]", "check every byte of the archive (and its log)", runVerify},
	{"bundle",
		"create --out PATH[.zip] [--all | --tag T | DOC...] [--with-ancestors] [--sha512] | verify [--json] [--strict] [--report FILE.html] [--no-archive] PATH | receive [--force] [--json] PATH",
		"write a bundle (a BagIt bag with provenance), check one, or receive one into the archive", runBundle},
	{"version", "[--json]", "print this build's version and commit", runVersion},
}
