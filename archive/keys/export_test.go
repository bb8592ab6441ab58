package keys

// DeriveRuns counts key derivations (see deriveRuns).
var DeriveRuns = &deriveRuns
