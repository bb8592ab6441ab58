package ocfl

import (
	"fmt"

	"github.com/custody-app/custody/verify/report"
)

// Codes of our own, for what the specification has no code for: a file
// that could not be read says nothing about the object, and a limit of
// this validator is not a rule of OCFL.
const (
	// ReadError: something could not be read (an I/O error).
	ReadError = "OCFL_READ_ERROR"
	// TooLarge: an inventory or a count is beyond this validator's limits.
	TooLarge = "OCFL_LIMIT"
	// NotOCFL: the folder holds neither an object nor a storage root.
	NotOCFL = "OCFL_NOT_FOUND"
)

// Check names, as they appear in reports.
const (
	CheckDeclaration = "OCFL declaration"
	CheckInventory   = "OCFL inventories"
	CheckVersions    = "OCFL versions"
	CheckContent     = "OCFL content files"
	CheckRoot        = "OCFL storage root"
)

// rules says, in our own words, what each code of the specification is
// about; the finding's message says what was found, and the link gives
// the specification's text.
var rules = map[string]string{
	"E001": "unexpected file or folder in the object root",
	"E003": "there must be exactly one object declaration",
	"E004": "the declaration's name must be 0=ocfl_object_VERSION",
	"E007": "the declaration must hold its name's value and a newline",
	"E008": "an object must have at least one version",
	"E009": "versions must start at v1",
	"E010": "versions must be continuous",
	"E011": "zero-padded version names must start with v0",
	"E012": "all version names must use the same padding",
	"E013": "new versions must follow the earlier naming",
	"E015": "a version folder may hold only its inventory, sidecar and content",
	"E017": "contentDirectory must not contain /",
	"E018": "contentDirectory must not be . or ..",
	"E019": "contentDirectory must be set from the first version on",
	"E023": "every content file must be in the manifest",
	"E024": "no empty folders in content",
	"E025": "digestAlgorithm must be sha512 or sha256",
	"E033": "the inventory must be well-formed JSON as the specification describes",
	"E036": "the inventory must have id, type, digestAlgorithm and head",
	"E037": "the id must be the same in every inventory",
	"E038": "type must name the inventory section of the declared specification",
	"E039": "digests must be of the inventory's digestAlgorithm",
	"E040": "head must name the most recent version",
	"E041": "the inventory must have manifest and versions",
	"E042": "content paths must lie in a version's content directory",
	"E044": "versions must be a JSON object",
	"E046": "the versions must match the version folders",
	"E047": "each version must be a JSON object",
	"E048": "a version must have created and state",
	"E049": "created must be an RFC 3339 date and time",
	"E050": "state digests must be in the manifest",
	"E052": "logical path elements must not be ., .. or empty",
	"E053": "logical paths must not begin or end with /",
	"E054": "user must be an object with a name",
	"E056": "fixity keys must be known digest algorithms",
	"E057": "fixity blocks must map digests to content paths",
	"E058": "every inventory needs a sidecar with its digest",
	"E059": "the sidecar's algorithm must be the inventory's",
	"E060": "the sidecar must hold the inventory's digest",
	"E061": "the sidecar must read: DIGEST inventory.json",
	"E063": "the object root must have an inventory",
	"E064": "the root inventory must be the same as the latest version's",
	"E066": "every older inventory must give the same state for its versions",
	"E067": "the extensions folder may hold only extension folders",
	"E069": "a storage root must have a conformance declaration",
	"E070": "ocfl_layout.json must have extension and description",
	"E072": "no files outside objects in a storage hierarchy",
	"E073": "no empty folders under a storage root",
	"E076": "a storage root must have exactly one declaration",
	"E080": "the storage root declaration must hold its value and a newline",
	"E081": "objects must not declare a later specification than their storage root",
	"E084": "no files in intermediate folders of a storage hierarchy",
	"E085": "storage hierarchies must end in object roots",
	"E090": "links are not allowed",
	"E092": "content files must match the manifest's digests",
	"E093": "content files must match the fixity digests",
	"E094": "message must be a string",
	"E095": "logical paths must not conflict",
	"E096": "a digest may appear only once in the manifest",
	"E097": "a digest may appear only once per fixity algorithm",
	"E099": "content path elements must not be ., .. or empty",
	"E100": "content paths must not begin or end with /",
	"E101": "content paths must be unique and must not conflict",
	"E102": "the inventory must not have keys the specification does not define",
	"E103": "a version must not declare an earlier specification than the one before",
	"E106": "manifest must be a JSON object",
	"E107": "every manifest digest must be used by some version's state",
	"E111": "fixity must be a JSON object",
	"E112": "a storage root's extensions folder may hold only extension folders",
	"W001": "version names should not be zero-padded",
	"W002": "a version folder should hold no folder but its content directory",
	"W004": "digestAlgorithm should be sha512",
	"W005": "the id should be a URI",
	"W007": "a version should have message and user",
	"W008": "user should have an address",
	"W009": "the user's address should be a URI",
	"W010": "every version should have its own inventory",
	"W011": "older inventories should give the same created, message and user",
	"W013": "object extension folders should have registered names",
	"W016": "storage root extension folders should have registered names",
}

// Rule is what a code is about, in a few words ("" for codes of our own).
func Rule(code string) string { return rules[code] }

// SpecURL links the rule of code in the given specification version
// ("1.0" or "1.1"); codes of our own have none.
func SpecURL(spec, code string) string {
	if _, ok := rules[code]; !ok {
		return ""
	}
	if spec != "1.0" {
		spec = "1.1"
	}
	return "https://ocfl.io/" + spec + "/spec/#" + code
}

// finding makes a finding for a spec code: an E code is a problem, a W
// code a warning; the message ends with the rule's link.
func finding(spec, code, path, format string, args ...any) report.Finding {
	sev := report.Problem
	switch {
	case code[0] == 'W':
		sev = report.Warning
	case code == ReadError:
		sev = report.IOError
	}
	msg := fmt.Sprintf(format, args...)
	if u := SpecURL(spec, code); u != "" {
		msg += " (" + rules[code] + ": " + u + ")"
	}
	return report.Finding{Code: code, Severity: sev, Path: path, Message: msg}
}
