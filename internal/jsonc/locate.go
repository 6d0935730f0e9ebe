package jsonc

// Prop returns the first member of an object with the given key, or nil
// when there is none or n is not an object.
func (n *Node) Prop(key string) *Prop {
	if n == nil || n.Kind != Object {
		return nil
	}
	for _, p := range n.Props() {
		if p.Key.Value == key {
			return p
		}
	}
	return nil
}

// PathSeg is one step of a path from the root: an object key, or an array
// index (Index >= 0; Index is -1 for key steps).
type PathSeg struct {
	Key   string
	Index int
}

// Path returns the steps from the root to n. A property key's path is the
// path of its value.
func (n *Node) Path() []PathSeg {
	var rev []PathSeg
	for child, parent := n, n.Parent; parent != nil; child, parent = parent, parent.Parent {
		rev = append(rev, stepTo(parent, child))
	}
	path := make([]PathSeg, len(rev))
	for i, s := range rev {
		path[len(rev)-1-i] = s
	}
	return path
}

func stepTo(parent, child *Node) PathSeg {
	if parent.Kind == Array {
		for i, it := range parent.Items() {
			if it == child {
				return PathSeg{Index: i}
			}
		}
		return PathSeg{Index: len(parent.Items())}
	}
	for _, p := range parent.Props() {
		if p.Value == child || p.Key == child {
			return PathSeg{Key: p.Key.Value, Index: -1}
		}
	}
	return PathSeg{Index: -1}
}

// Location says what lies at an offset: which container, which member, and
// whether a key or a value goes there.
type Location struct {
	// Path is the path of Container.
	Path []PathSeg
	// Container is the object or array that directly contains the
	// offset, nil when the offset lies outside the root value.
	Container *Node
	// Prop is the member whose key, or value slot, the offset is on.
	Prop *Prop
	// Node is the key or scalar value under the offset, nil when the
	// offset is between tokens.
	Node *Node
	// InKey: a property name goes here. InValue: a value goes here.
	InKey, InValue bool
	// Start and End delimit the token to replace (a whole quoted string
	// or literal); Start == End == offset between tokens.
	Start, End int
}

// Locate returns what lies at offset.
func (d *Document) Locate(offset int) Location {
	loc := Location{Start: offset, End: offset}
	n := d.Root
	if n == nil {
		loc.InValue = true
		return loc
	}
	if !isContainer(n) {
		if onScalar(d.Text, n, offset) {
			loc.Node, loc.InValue, loc.Start, loc.End = n, true, n.Start, n.End
		}
		return loc
	}
	if !inside(n, offset) {
		return loc
	}
	for {
		loc.Container = n
		next := d.locateIn(n, offset, &loc)
		if next == nil {
			loc.Path = loc.Container.Path()
			return loc
		}
		n = next
	}
}

// locateIn fills loc for an offset strictly inside container n, or returns
// the child container to descend into.
func (d *Document) locateIn(n *Node, offset int, loc *Location) *Node {
	if n.Kind == Array {
		loc.Prop = nil
		for _, it := range n.Items() {
			if next := d.onValue(it, offset, loc); next != nil || loc.Node != nil {
				return next
			}
		}
		loc.InValue = true
		return nil
	}
	for _, p := range n.Props() {
		if p.Start > offset {
			break
		}
		if onKey(d.Text, p.Key, offset) {
			loc.Prop, loc.Node, loc.InKey = p, p.Key, true
			loc.Start, loc.End = p.Key.Start, p.Key.End
			return nil
		}
		if p.Value != nil {
			if next := d.onValue(p.Value, offset, loc); next != nil || loc.Node != nil {
				loc.Prop = p
				return next
			}
		}
		if p.Colon >= 0 && offset > p.Colon && blank(d.Text[p.Colon+1:offset]) {
			loc.Prop, loc.InValue = p, true
			return nil
		}
	}
	loc.Prop, loc.InKey = nil, true
	return nil
}

// onValue reports a value under offset: a container to descend into, or a
// scalar recorded in loc.
func (d *Document) onValue(v *Node, offset int, loc *Location) *Node {
	if v == nil {
		return nil
	}
	if isContainer(v) {
		if inside(v, offset) {
			return v
		}
		return nil
	}
	if onScalar(d.Text, v, offset) {
		loc.Node, loc.InValue, loc.Start, loc.End = v, true, v.Start, v.End
	}
	return nil
}

func isContainer(n *Node) bool {
	return n.Kind == Object || n.Kind == Array
}

// inside reports whether offset is strictly between a container's brackets
// (or anywhere after an unclosed opening bracket up to its end).
func inside(n *Node, offset int) bool {
	return n.Start < offset && (offset < n.End || (!n.Closed && offset <= n.End))
}

func onKey(text []byte, k *Node, offset int) bool {
	if k.Start < len(text) && text[k.Start] != '"' { // a bare word
		return k.Start <= offset && offset <= k.End
	}
	return k.Start < offset && (offset < k.End || (!k.Closed && offset == k.End))
}

func onScalar(text []byte, n *Node, offset int) bool {
	if n.Kind == String {
		return onKey(text, n, offset)
	}
	return n.Start <= offset && offset <= n.End
}

func blank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}
