package bundleformat

import "github.com/custody-app/custody/archive/cosign"

// FileCosignatures holds the witnesses' cosignatures of custody/checkpoint
// (c2sp.org/tlog-cosignature signature lines, one per witness), when the
// sender's archive had gathered any. Optional; custody/checkpoint itself
// stays exactly as the sender's archive signed it.
const FileCosignatures = "custody/cosignatures"

// MaxCosignaturesFile bounds custody/cosignatures.
const MaxCosignaturesFile = cosign.MaxSetSize
