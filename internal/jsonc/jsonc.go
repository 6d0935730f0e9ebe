// Package jsonc parses JSON with comments and trailing commas (JSONC) the
// way an editor needs it: tolerantly, with byte offsets on every node, and
// going on after errors, since half-typed text is the normal case while
// editing. It builds a small tree (Node, Prop) and a list of syntax errors;
// Lines converts byte offsets to LSP positions (UTF-16) and back; Locate
// tells what lies at an offset, for completion and hover.
package jsonc

import "unsafe"

// Kind is the kind of a JSON value.
type Kind uint8

const (
	Invalid Kind = iota // a missing or unparseable value
	Object
	Array
	String
	Number
	Bool
	Null
)

func (k Kind) String() string {
	switch k {
	case Object:
		return "object"
	case Array:
		return "array"
	case String:
		return "string"
	case Number:
		return "number"
	case Bool:
		return "boolean"
	case Null:
		return "null"
	}
	return "invalid"
}

// Node is one JSON value. Start and End are byte offsets, End exclusive; a
// string's range includes its quotes.
type Node struct {
	Kind Kind
	// Closed reports whether an Object or Array has its closing bracket,
	// or a String its closing quote.
	Closed bool
	nKids  int32 // the length of kids
	Start  int
	End    int
	// Value is the decoded text of a String (escapes resolved), or the
	// literal text of a Number, Bool ("true"/"false") or Null.
	Value string
	// kids is an Object's list of *Prop or an Array's list of *Node (see
	// Props and Items). One field for both keeps a node at 56 bytes
	// instead of 96: a 500 KiB config has some 70,000 nodes, parsed again
	// on every edit.
	kids unsafe.Pointer
	// Parent is the enclosing Object or Array node, nil for the root.
	Parent *Node
}

// Props returns an Object's members in source order (duplicates kept),
// nil for other kinds. The list is shared: append copies it.
func (n *Node) Props() []*Prop {
	if n.Kind != Object || n.nKids == 0 {
		return nil
	}
	return unsafe.Slice((**Prop)(n.kids), n.nKids)
}

// Items returns an Array's elements in source order, nil for other kinds;
// an element may be nil where a value is missing. The list is shared:
// append copies it.
func (n *Node) Items() []*Node {
	if n.Kind != Array || n.nKids == 0 {
		return nil
	}
	return unsafe.Slice((**Node)(n.kids), n.nKids)
}

// setKids makes list (clipped: cap == len) the node's members or elements.
func setKids[T Prop | Node](n *Node, list []*T) {
	n.kids, n.nKids = unsafe.Pointer(unsafe.SliceData(list)), int32(len(list))
}

// Prop is one member of an object: a key, and a value that may be missing
// while the user types ("key": |).
type Prop struct {
	Key   *Node // always a String node (an unquoted key is recovered as one)
	Colon int   // offset of the ':' or -1 when missing
	Value *Node // nil when missing
	// Start is Key.Start; End is the end of the value, else of the colon,
	// else of the key.
	Start, End int
}

// Error is a syntax error at a byte range.
type Error struct {
	Start, End int
	Code       string // stable: see the Err* constants
	Message    string
}

// Stable codes of syntax errors.
const (
	ErrUnexpected      = "syntax/unexpected"       // a token that cannot stand here
	ErrUnterminated    = "syntax/unterminated"     // string, comment, object or array left open
	ErrMissingColon    = "syntax/missing-colon"    // "key" value
	ErrMissingValue    = "syntax/missing-value"    // "key": } or [1,,2]
	ErrMissingComma    = "syntax/missing-comma"    // "a": 1 "b": 2
	ErrInvalidEscape   = "syntax/invalid-escape"   // "\q"
	ErrInvalidNumber   = "syntax/invalid-number"   // 01, 1., -
	ErrInvalidKey      = "syntax/invalid-key"      // a key that is not a string
	ErrTrailingContent = "syntax/trailing-content" // text after the root value
	ErrEmpty           = "syntax/empty"            // no value at all
)

// Document is a parsed JSONC text.
type Document struct {
	Text   []byte // the text parsed, shared with the tree: never changed
	Root   *Node  // nil only when the text holds no value at all
	Errors []Error
	Lines  *Lines
}
