package provenance

// Refilter applies c to openings received with a sealed event (leaf):
// what goes on to the next hop is what c and shown disclose of what was
// received, never more. The openings are checked against leaf first; the
// kept ones are returned in the order given.
func (c Choices) Refilter(leaf []byte, open []Opening, shown func(doc string) bool) ([]Opening, error) {
	if len(open) == 0 {
		return nil, nil
	}
	v, err := OpenEvent(leaf, open)
	if err != nil {
		return nil, err
	}
	// The disclosed values in place, so that list elements keep the
	// positions Choices.For judges them by ("" where withheld).
	ev := &Event{V: v.V, Type: v.Type}
	at := func(list []string, i int, val string) []string {
		for len(list) <= i {
			list = append(list, "")
		}
		list[i] = val
		return list
	}
	for _, o := range open {
		switch o.Field {
		case "doc":
			ev.Doc = o.Value
		case "docs":
			ev.Docs = at(ev.Docs, o.I, o.Value)
		case "names":
			ev.Names = at(ev.Names, o.I, o.Value)
		case "parents":
			ev.Parents = at(ev.Parents, o.I, o.Value)
		}
	}
	seen := func(doc string) bool { return doc != "" && shown(doc) }
	choose := c.For(ev, seen)
	var out []Opening
	for _, o := range open {
		if choose(o.Field, o.I, o.Value) {
			out = append(out, o)
		}
	}
	return out, nil
}
