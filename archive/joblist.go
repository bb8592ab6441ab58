package archive

// jobList is what a walk found, held compactly until the import is done:
// every path in one buffer, with its size and where its recorded name
// starts within it. A million files as a job struct and a string each
// took ~110 MB and gave the garbage collector two million pointers to
// follow; here they take ~60 MB and none. Jobs made elsewhere (a receive
// streams zip entries) are kept as they are, in made.
type jobList struct {
	buf    []byte
	ends   []uint64 // end of path i in buf
	nameAt []uint32 // where path i's recorded name starts, or noName
	sizes  []int64
	names  map[int]string // recorded names that are not the end of their path
	made   []job
}

const noName = ^uint32(0)

func (l *jobList) add(path, name string, size int64) {
	l.buf = append(l.buf, path...)
	l.ends = append(l.ends, uint64(len(l.buf)))
	l.sizes = append(l.sizes, size)
	if len(name) <= len(path) && path[len(path)-len(name):] == name {
		l.nameAt = append(l.nameAt, uint32(len(path)-len(name)))
		return
	}
	if l.names == nil {
		l.names = map[int]string{}
	}
	l.names[len(l.nameAt)] = name
	l.nameAt = append(l.nameAt, noName)
}

func (l *jobList) len() int {
	if l == nil {
		return 0
	}
	return len(l.ends) + len(l.made)
}

// at returns job i; its strings are made afresh (and dropped once the
// document is committed).
func (l *jobList) at(i int) job {
	if i >= len(l.ends) {
		return l.made[i-len(l.ends)]
	}
	var from uint64
	if i > 0 {
		from = l.ends[i-1]
	}
	path := string(l.buf[from:l.ends[i]])
	j := job{path: path, size: l.sizes[i]}
	if at := l.nameAt[i]; at != noName {
		j.name = path[at:]
	} else {
		j.name = l.names[i]
	}
	return j
}

// total is the size of every job.
func (l *jobList) total() int64 {
	var t int64
	for _, s := range l.sizes {
		t += s
	}
	for _, j := range l.made {
		t += j.size
	}
	return t
}
