package provenance

// Step is one event of a document's provenance chain, as a timeline shows
// it.
type Step struct {
	Index int64
	Event *Event // nil when the event could not be read (see Bad)
	// Generation is 0 for the oldest ancestor, rising through
	// derivations to the document itself.
	Generation int
	// Checkpoint is the size of the first checkpoint that covers the
	// event; 0 if none does yet.
	Checkpoint int64
	Bad        string // why the event could not be read
}

// SetGenerations numbers the steps' documents by their depth below doc
// (hex ID): 0 for doc itself, 1 for its parents… found newest first,
// since a derivation comes after its parents arrived; then turns depths
// into generations, the deepest ancestor being 0.
func SetGenerations(steps []Step, doc string) {
	depth := map[string]int{doc: 0}
	for k := len(steps) - 1; k >= 0; k-- {
		ev := steps[k].Event
		if ev == nil || ev.Type != Derive {
			continue
		}
		if d, ok := depth[ev.Doc]; ok {
			for _, pid := range ev.Parents {
				if old, seen := depth[pid]; !seen || old < d+1 {
					depth[pid] = d + 1
				}
			}
		}
	}
	maxDepth := 0
	for _, d := range depth {
		maxDepth = max(maxDepth, d)
	}
	for k := range steps {
		d := 0
		if ev := steps[k].Event; ev != nil {
			if dd, ok := depth[ev.Doc]; ok {
				d = dd
			}
		}
		steps[k].Generation = maxDepth - d
	}
}
