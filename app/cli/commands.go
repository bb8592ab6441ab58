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
	{"log", "[--json] [DOC] | --format premis|case [DOC...]", "list log events, newest last; with DOC, its provenance chain; or export them as PREMIS or CASE/UCO", runLog},
	{"checkpoint", "", "print the latest signed checkpoint (what you publish)", runCheckpoint},
	{"prove", "DOC", "write a proof of DOC's provenance (JSON) to stdout", runProve},
	{"certificate", "DOC --out FILE.pdf|FILE.html [--disclose sources,notes,tags] [--with-ancestors]",
		"write a document's custody certificate: its ID, names, history and proof, for someone without Custody", runCertificate},
	{"check-proof", "--doc FILE [--checkpoint PUBLISHED] [--key KEY]... PROOF.json",
		"check a proof with no archive at all", runCheckProof},
	{"keys", "show | list | trust NAME KEY [--how TEXT] | untrust NAME | backup --out FILE | restore FILE",
		"your own key, and the keys of archivists you trust", runKeys},
	{"verify", "[--json] [--rolling P%] [--no-record] [--report FILE.pdf|.html|.json] [DOC...] | --remote NAME [--rolling P%] [--json]", "check every byte of the archive (and its log), a rolling share of it, or named documents", runVerify},
	{"history", "[--json] [--last N]", "list the recorded checks and how recently every byte was verified", runHistory},
	{"repair", "--from ARCHIVE | --from-remote NAME [--json]", "rewrite damaged documents from another archive folder or a backup copy of this one", runRepair},
	{"bundle",
		"create --out PATH[.zip] [--all | --tag T | DOC...] [--with-ancestors] [--sha512] [--skip-damaged] [--with-verifier] | verify [--json] [--strict] [--report FILE.pdf|.html|.json] [--no-archive] [--key KEY]... PATH | receive [--force] [--json] PATH",
		"write a bundle (a BagIt bag with provenance), check one, or receive one into the archive", runBundle},
	{"verifier", "--out FILE.html", "write the page that checks a bundle in a web browser, offline", runVerifier},
	{"remote", "add NAME s3://BUCKET/PREFIX [--endpoint URL] | list [--json] | remove NAME", "name a copy of the archive on an S3-compatible object store", runRemote},
	{"push", "[--workers N] [NAME]", "upload to a remote what it lacks: pack files and a sealed snapshot of the store and log (logged)", runPush},
	{"clone", "[--endpoint URL] [--workers N] s3://BUCKET/PREFIX DIR", "make a working archive from a remote copy", runClone},
}
