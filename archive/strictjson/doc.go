// Package strictjson reads JSON from strangers with one meaning: what
// encoding/json would silently resolve one way (a key given twice, also
// when two keys differ only in letter case; an unknown key; a number
// written as a string, with a fraction or a sign; anything after the
// value; deep nesting) is refused instead, so every reader, in any
// language, sees the same thing.
//
// It has two entry points for two shapes of input:
//
//   - CheckKeys checks a whole small document (an event, a proof file)
//     before encoding/json decodes it into a struct; ExplainSyntax and
//     ExplainType word encoding/json's errors for people.
//   - NewDecoder, Object, Array, Count and Hashes read a document token by
//     token, for files read a line at a time or too large to hold as a
//     value (a bundle's custody/ files).
//
// archive/provenance and verify/bundle both read with it; it imports
// nothing of the archive but archive/quote.
package strictjson
