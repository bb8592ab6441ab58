package bag

// Finding codes. They are part of the public interface (see verify/report):
// never rename one, add a new one instead. Each code belongs to one check
// and, when it is a problem, to one verdict class: INVALID (the bag cannot
// be read as a valid bag) or TAMPERED (it can, but its bytes or files
// differ from what its manifests say).
const (
	// BagNotFound: the path given is not there or cannot be opened.
	BagNotFound = "BAG_NOT_FOUND"
	// BagitTxtMissing: the bag has no bagit.txt, so it is not a bag.
	BagitTxtMissing = "BAGIT_TXT_MISSING"
	// BagitTxtInvalid: bagit.txt is not exactly the two lines
	// "BagIt-Version: M.N" and "Tag-File-Character-Encoding: ENC" (a BOM,
	// a space before the colon, a missing or extra line, wrong order).
	BagitTxtInvalid = "BAGIT_TXT_INVALID"
	// BagitVersionInvalid: the BagIt-Version value is not of the form M.N.
	BagitVersionInvalid = "BAGIT_VERSION_INVALID"
	// BagitVersionUnsupported: a well-formed version this verifier does not
	// know (it knows 0.93 to 0.97 and 1.0).
	BagitVersionUnsupported = "BAGIT_VERSION_UNSUPPORTED"
	// TagEncodingUnsupported: Tag-File-Character-Encoding names an encoding
	// that is unknown or cannot be decoded.
	TagEncodingUnsupported = "TAG_ENCODING_UNSUPPORTED"
	// TagFileInvalid: a tag file could not be decoded in the declared
	// encoding, or is larger than the verifier's limit, or has a line
	// longer than the limit.
	TagFileInvalid = "TAG_FILE_INVALID"
	// TagFileBOM: a tag file other than bagit.txt starts with a byte-order
	// mark; it was ignored (warning).
	TagFileBOM = "TAG_FILE_BOM"
	// PayloadDirMissing: the bag has no data/ folder.
	PayloadDirMissing = "PAYLOAD_DIR_MISSING"
	// PayloadEmpty: the payload holds no files (legal; warning).
	PayloadEmpty = "PAYLOAD_EMPTY"
	// BagInfoLineMalformed: a bag-info.txt line is neither "Label: value"
	// nor a continuation of the previous value.
	BagInfoLineMalformed = "BAGINFO_LINE_MALFORMED"
	// BagInfoFieldRepeated: a field that may appear only once (such as
	// Bagging-Date or Payload-Oxum) appears several times (warning).
	BagInfoFieldRepeated = "BAGINFO_FIELD_REPEATED"
	// BagInfoLabelWhitespace: a bag-info label starts or ends with
	// whitespace; it was trimmed (warning).
	BagInfoLabelWhitespace = "BAGINFO_LABEL_WHITESPACE"
	// OxumMalformed: Payload-Oxum is not "BYTES.FILES", or is given twice
	// with different values.
	OxumMalformed = "OXUM_MALFORMED"
	// OxumMismatch: the payload's file count or byte count differs from
	// Payload-Oxum (found before any file is hashed).
	OxumMismatch = "OXUM_MISMATCH"
	// ManifestMissing: there is no payload manifest with a supported
	// algorithm, so nothing in the payload can be checked.
	ManifestMissing = "MANIFEST_MISSING"
	// ManifestAlgorithmUnsupported: a manifest uses an algorithm this
	// verifier cannot compute; its entries were not checked. A warning when
	// another manifest covers the payload, a problem when none does.
	ManifestAlgorithmUnsupported = "MANIFEST_ALGORITHM_UNSUPPORTED"
	// ManifestWeakAlgorithm: every payload manifest uses MD5 or SHA-1, which
	// do not protect against deliberate changes (warning).
	ManifestWeakAlgorithm = "MANIFEST_WEAK_ALGORITHM"
	// ManifestLineMalformed: a manifest line is not "CHECKSUM PATH" with a
	// checksum of the right length in hex.
	ManifestLineMalformed = "MANIFEST_LINE_MALFORMED"
	// ManifestDuplicateEntry: a manifest lists the same path twice with the
	// same checksum (a warning before BagIt 1.0, a problem from 1.0).
	ManifestDuplicateEntry = "MANIFEST_DUPLICATE_ENTRY"
	// ManifestConflictingEntries: a manifest lists the same path twice with
	// different checksums; which one holds is ambiguous.
	ManifestConflictingEntries = "MANIFEST_CONFLICTING_ENTRIES"
	// ManifestPathOutsideData: a payload manifest lists a path outside data/.
	ManifestPathOutsideData = "MANIFEST_PATH_OUTSIDE_DATA"
	// ManifestsDisagree: a payload file is listed in one payload manifest
	// but not in another; every manifest must list every payload file.
	ManifestsDisagree = "MANIFESTS_DISAGREE"
	// TagManifestListsPayload: a tag manifest lists a payload file.
	TagManifestListsPayload = "TAGMANIFEST_LISTS_PAYLOAD"
	// TagNotInTagManifest: a tag file is not covered by the tag manifests,
	// so changes to it would go unnoticed (warning).
	TagNotInTagManifest = "TAG_NOT_IN_TAGMANIFEST"
	// PathUnsafe: a path in a manifest, fetch.txt or zip could leave the bag
	// or name a device (absolute, "..", "~", drive letter, backslash, ...).
	PathUnsafe = "PATH_UNSAFE"
	// PathNotPortable: a name some system cannot create (CON, aux.txt, a
	// trailing dot, "?", over 255 bytes, invalid UTF-8) (warning).
	PathNotPortable = "PATH_NOT_PORTABLE"
	// PathDotSlash: a manifest path starts with "./"; it was read without
	// it (warning).
	PathDotSlash = "PATH_DOT_SLASH"
	// PathNormalization: a manifest path and the file on disk differ only
	// in Unicode normalisation (NFC and NFD); they were matched (warning).
	PathNormalization = "PATH_NORMALIZATION"
	// PathCaseCollision: two paths differ only in letter case or Unicode
	// normalisation; on macOS and Windows they are one file (warning).
	PathCaseCollision = "PATH_CASE_COLLISION"
	// PathPercentLiteral: a manifest path holds "%25", "%0A" or "%0D" but
	// the file on disk has that text literally; matched as written (warning).
	PathPercentLiteral = "PATH_PERCENT_LITERAL"
	// FileNotRegular: the bag holds a symbolic link, device, pipe or socket.
	// It is refused and never followed or opened.
	FileNotRegular = "FILE_NOT_REGULAR"
	// LimitExceeded: the bag has more files, deeper folders or more bytes
	// than the verifier accepts; it stopped to keep memory and time bounded.
	LimitExceeded = "LIMIT_EXCEEDED"
	// JunkFile: an operating-system file (.DS_Store, Thumbs.db, ...) is in
	// the bag (warning).
	JunkFile = "JUNK_FILE"
	// FetchLineMalformed: a fetch.txt line is not "URL LENGTH PATH".
	FetchLineMalformed = "FETCH_LINE_MALFORMED"
	// FetchIncomplete: a file listed in fetch.txt is not in the bag. The bag
	// is incomplete; Custody never downloads anything.
	FetchIncomplete = "FETCH_INCOMPLETE"
	// FetchNotInManifest: fetch.txt lists a path that no payload manifest
	// lists.
	FetchNotInManifest = "FETCH_NOT_IN_MANIFEST"
	// PayloadHashMismatch: a payload file's checksum differs from its
	// manifest entry: its bytes were changed.
	PayloadHashMismatch = "PAYLOAD_HASH_MISMATCH"
	// PayloadMissing: a file listed in a payload manifest is not in the bag.
	PayloadMissing = "PAYLOAD_MISSING"
	// PayloadNotInManifest: a file in data/ is listed in no payload manifest.
	PayloadNotInManifest = "PAYLOAD_NOT_IN_MANIFEST"
	// TagHashMismatch: a tag file's checksum differs from its tag manifest
	// entry (for example, a manifest was edited afterwards).
	TagHashMismatch = "TAG_HASH_MISMATCH"
	// TagFileMissing: a tag manifest lists a tag file that is not in the bag.
	TagFileMissing = "TAG_FILE_MISSING"
	// ReadFailed: a file could not be read (an I/O error). This says
	// nothing about whether its bytes are right.
	ReadFailed = "READ_FAILED"
	// ReadRetried: reading a file failed once and succeeded when tried
	// again (warning).
	ReadRetried = "READ_RETRIED"
	// ZipInvalid: the file is not a readable zip (truncated, not a zip,
	// inconsistent sizes or ZIP64 fields).
	ZipInvalid = "ZIP_INVALID"
	// ZipLayout: the zip does not hold exactly one top folder with the bag.
	ZipLayout = "ZIP_LAYOUT"
	// ZipEntryUnsupported: an entry is encrypted or uses an unknown
	// compression method.
	ZipEntryUnsupported = "ZIP_ENTRY_UNSUPPORTED"
	// ZipDuplicateName: two entries have the same name, or names that are
	// the same file on macOS or Windows (case, Unicode normalisation).
	ZipDuplicateName = "ZIP_DUPLICATE_NAME"
	// ZipNameMismatch: an entry's name in the central directory differs from
	// its local header; other tools would extract a different file.
	ZipNameMismatch = "ZIP_NAME_MISMATCH"
	// ZipChecksum: an entry's bytes do not match the CRC-32 stored in the zip.
	ZipChecksum = "ZIP_CHECKSUM"
)

// Names of the checks in Report.Checks, in the order they run.
// CheckContainer appears alone when the bag could not be opened at all.
const (
	CheckContainer    = "container"
	CheckBagitTxt     = "bagit.txt"
	CheckBagInfo      = "bag-info"
	CheckManifests    = "manifests"
	CheckCompleteness = "payload completeness"
	CheckPayload      = "payload fixity"
	CheckTags         = "tag fixity"
)

type class int

const (
	classInvalid class = iota
	classTampered
)

// codeInfo says which check a code belongs to and which verdict it gives
// when it is a problem.
var codeInfo = map[string]struct {
	check string
	class class
}{
	BagNotFound:                  {CheckBagitTxt, classInvalid},
	BagitTxtMissing:              {CheckBagitTxt, classInvalid},
	BagitTxtInvalid:              {CheckBagitTxt, classInvalid},
	BagitVersionInvalid:          {CheckBagitTxt, classInvalid},
	BagitVersionUnsupported:      {CheckBagitTxt, classInvalid},
	TagEncodingUnsupported:       {CheckBagitTxt, classInvalid},
	ZipInvalid:                   {CheckBagitTxt, classInvalid},
	ZipLayout:                    {CheckBagitTxt, classInvalid},
	ZipEntryUnsupported:          {CheckBagitTxt, classInvalid},
	ZipDuplicateName:             {CheckBagitTxt, classInvalid},
	ZipNameMismatch:              {CheckBagitTxt, classInvalid},
	LimitExceeded:                {CheckBagitTxt, classInvalid},
	FileNotRegular:               {CheckBagitTxt, classInvalid},
	PayloadDirMissing:            {CheckBagitTxt, classInvalid},
	TagFileInvalid:               {CheckBagInfo, classInvalid},
	TagFileBOM:                   {CheckBagInfo, classInvalid},
	BagInfoLineMalformed:         {CheckBagInfo, classInvalid},
	BagInfoFieldRepeated:         {CheckBagInfo, classInvalid},
	BagInfoLabelWhitespace:       {CheckBagInfo, classInvalid},
	OxumMalformed:                {CheckBagInfo, classInvalid},
	ManifestMissing:              {CheckManifests, classInvalid},
	ManifestAlgorithmUnsupported: {CheckManifests, classInvalid},
	ManifestWeakAlgorithm:        {CheckManifests, classInvalid},
	ManifestLineMalformed:        {CheckManifests, classInvalid},
	ManifestDuplicateEntry:       {CheckManifests, classInvalid},
	ManifestConflictingEntries:   {CheckManifests, classInvalid},
	ManifestPathOutsideData:      {CheckManifests, classInvalid},
	ManifestsDisagree:            {CheckManifests, classInvalid},
	TagManifestListsPayload:      {CheckManifests, classInvalid},
	PathUnsafe:                   {CheckManifests, classInvalid},
	PathNotPortable:              {CheckManifests, classInvalid},
	PathDotSlash:                 {CheckManifests, classInvalid},
	PathPercentLiteral:           {CheckManifests, classInvalid},
	FetchLineMalformed:           {CheckManifests, classInvalid},
	OxumMismatch:                 {CheckCompleteness, classTampered},
	PayloadMissing:               {CheckCompleteness, classTampered},
	PayloadNotInManifest:         {CheckCompleteness, classTampered},
	PayloadEmpty:                 {CheckCompleteness, classInvalid},
	PathNormalization:            {CheckCompleteness, classInvalid},
	PathCaseCollision:            {CheckCompleteness, classInvalid},
	JunkFile:                     {CheckCompleteness, classInvalid},
	FetchIncomplete:              {CheckCompleteness, classInvalid},
	FetchNotInManifest:           {CheckCompleteness, classInvalid},
	PayloadHashMismatch:          {CheckPayload, classTampered},
	ZipChecksum:                  {CheckPayload, classTampered},
	ReadFailed:                   {CheckPayload, classTampered},
	ReadRetried:                  {CheckPayload, classTampered},
	TagHashMismatch:              {CheckTags, classTampered},
	TagFileMissing:               {CheckTags, classTampered},
	TagNotInTagManifest:          {CheckTags, classInvalid},
}
