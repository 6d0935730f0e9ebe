package jsonc

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 256

// Parse parses text as JSONC. It never fails and never stops early: every
// syntax error is recorded in Document.Errors and parsing goes on, so the
// tree holds everything that could be recognised.
//
// The Document keeps text (Document.Text is text) and the Values of the
// nodes share its memory, so text must not change afterwards: a document
// is an immutable version of a file, and a copy of half a megabyte per
// version was a tenth of what a large config's tree costs.
func Parse(text []byte) *Document {
	d := &Document{Text: text, Lines: NewLines(text)}
	p := &parser{text: text, src: unsafe.String(unsafe.SliceData(text), len(text))}
	p.s = scanner{text: text, errs: &p.errs}
	d.Root = p.parseRoot()
	d.Errors = p.errs
	return d
}

type parser struct {
	text    []byte
	src     string // text seen as a string: values are substrings of it, not copies
	s       scanner
	buf     [2]token // lookahead
	nbuf    int
	errs    []Error   // shared with the scanner
	closers []tokKind // brackets waiting to be closed, innermost last
	// Slabs: one allocation for many nodes, props and child lists. nodes
	// and props are the free rest of the last slab of nodeSlabs and
	// propSlabs.
	nodes     []Node
	props     []Prop
	nodeSlabs [][]Node
	propSlabs [][]Prop
	propPtrs  []*Prop
	nodePtrs  []*Node
	// Children of the containers being parsed, innermost last; a
	// container takes its own from the top when it closes, so that each
	// child list is allocated once, at its exact size. The stacks hold
	// slab positions, not pointers: a pointer-free stack costs the GC
	// nothing, where pushing and clearing pointers ran a write barrier
	// for each child while a collection was marking (most of the time,
	// given how much a large document allocates).
	propStack []slot
	itemStack []slot
}

// slot is where a node or prop lies in its parser's slabs; slab -1 means
// nil.
type slot struct{ slab, off int32 }

// Slab sizes: a node is 96 bytes, a prop 40.
const (
	nodeSlab = 512
	propSlab = 256
)

func (p *parser) peek(i int) token {
	for p.nbuf <= i {
		p.buf[p.nbuf] = p.s.next()
		p.nbuf++
	}
	return p.buf[i]
}

// skip consumes the lookahead token, which must have been peeked.
func (p *parser) skip() {
	p.buf[0] = p.buf[1]
	p.nbuf--
}

func (p *parser) take() token {
	t := p.peek(0)
	p.buf[0] = p.buf[1]
	p.nbuf--
	return t
}

// nextNode returns the slot of the node that node will make next.
func (p *parser) nextNode() slot {
	if len(p.nodes) == 0 {
		p.newNodeSlab()
	}
	return slot{int32(len(p.nodeSlabs) - 1), int32(nodeSlab - len(p.nodes))}
}

// nextProp returns the slot of the prop that prop will make next.
func (p *parser) nextProp() slot {
	if len(p.props) == 0 {
		p.newPropSlab()
	}
	return slot{int32(len(p.propSlabs) - 1), int32(propSlab - len(p.props))}
}

func (p *parser) newNodeSlab() {
	p.nodes = make([]Node, nodeSlab)
	p.nodeSlabs = append(p.nodeSlabs, p.nodes)
}

func (p *parser) newPropSlab() {
	p.props = make([]Prop, propSlab)
	p.propSlabs = append(p.propSlabs, p.props)
}

func (p *parser) node(kind Kind, start, end int, parent *Node) *Node {
	if len(p.nodes) == 0 {
		p.newNodeSlab()
	}
	n := &p.nodes[0]
	p.nodes = p.nodes[1:]
	n.Kind, n.Start, n.End, n.Parent = kind, start, end, parent
	return n
}

func (p *parser) prop(key *Node) *Prop {
	if len(p.props) == 0 {
		p.newPropSlab()
	}
	pr := &p.props[0]
	p.props = p.props[1:]
	pr.Key, pr.Colon, pr.Start, pr.End = key, -1, key.Start, key.End
	return pr
}

// popProps moves the props above base off the stack into an exactly sized
// list.
func (p *parser) popProps(base int) []*Prop {
	k := len(p.propStack) - base
	if k == 0 {
		return nil
	}
	if cap(p.propPtrs)-len(p.propPtrs) < k {
		p.propPtrs = make([]*Prop, 0, max(1024, k))
	}
	at := len(p.propPtrs)
	for _, s := range p.propStack[base:] {
		p.propPtrs = append(p.propPtrs, &p.propSlabs[s.slab][s.off])
	}
	p.propStack = p.propStack[:base]
	return p.propPtrs[at : at+k : at+k]
}

// popItems is popProps for array items.
func (p *parser) popItems(base int) []*Node {
	k := len(p.itemStack) - base
	if k == 0 {
		return nil
	}
	if cap(p.nodePtrs)-len(p.nodePtrs) < k {
		p.nodePtrs = make([]*Node, 0, max(1024, k))
	}
	at := len(p.nodePtrs)
	for _, s := range p.itemStack[base:] {
		var n *Node
		if s.slab >= 0 {
			n = &p.nodeSlabs[s.slab][s.off]
		}
		p.nodePtrs = append(p.nodePtrs, n)
	}
	p.itemStack = p.itemStack[:base]
	return p.nodePtrs[at : at+k : at+k]
}

func (p *parser) errorf(start, end int, code, msg string) {
	p.errs = append(p.errs, Error{Start: start, End: end, Code: code, Message: msg})
}

func (p *parser) tokText(t token) string { return p.src[t.start:t.end] }

func (p *parser) parseRoot() *Node {
	var root *Node
	for root == nil {
		t := p.peek(0)
		if t.kind == tEOF {
			p.errorf(t.start, t.end, ErrEmpty, "expected a JSON value: the document is empty")
			return nil
		}
		if root = p.parseValue(nil); root == nil {
			p.skip()
			p.errorf(t.start, t.end, ErrUnexpected, "unexpected '"+p.tokText(t)+"': expected a JSON value")
		}
	}
	if t := p.peek(0); t.kind != tEOF {
		start, end := t.start, t.end
		for t.kind != tEOF {
			end = p.take().end
			t = p.peek(0)
		}
		p.errorf(start, end, ErrTrailingContent, "unexpected text after the end of the document")
	}
	return root
}

// startsValue reports whether the lookahead begins a value, as opposed to
// the next member's key ("key": followed by a new "key2": line).
func (p *parser) startsValue() bool {
	switch p.peek(0).kind {
	case tLBrace, tLBracket, tNumber:
		return true
	case tString, tWord:
		return p.peek(1).kind != tColon
	}
	return false
}

func (p *parser) parseValue(parent *Node) *Node {
	t := p.peek(0)
	switch t.kind {
	case tLBrace, tLBracket:
		if len(p.closers) >= maxDepth {
			return p.skipDeep(parent)
		}
		if t.kind == tLBrace {
			return p.parseObject(parent)
		}
		return p.parseArray(parent)
	case tString:
		p.skip()
		return p.stringNode(t, parent)
	case tNumber:
		p.skip()
		n := p.node(Number, t.start, t.end, parent)
		n.Value = p.tokText(t)
		if !validNumber(p.text[t.start:t.end]) {
			p.errorf(t.start, t.end, ErrInvalidNumber, "invalid number '"+n.Value+"'")
		}
		return n
	case tWord:
		p.skip()
		n := p.node(Invalid, t.start, t.end, parent)
		n.Value = p.tokText(t)
		switch n.Value {
		case "true", "false":
			n.Kind = Bool
		case "null":
			n.Kind = Null
		default:
			p.errorf(t.start, t.end, ErrUnexpected, "unexpected '"+n.Value+"': expected a value (strings need double quotes)")
		}
		return n
	}
	return nil
}

// skipDeep consumes a too deeply nested value whole and returns it as an
// Invalid node.
func (p *parser) skipDeep(parent *Node) *Node {
	open := p.take()
	n := p.node(Invalid, open.start, open.end, parent)
	p.errorf(open.start, open.end, ErrUnexpected, "nesting is too deep")
	for depth := 1; depth > 0; {
		t := p.take()
		switch t.kind {
		case tEOF:
			return n
		case tLBrace, tLBracket:
			depth++
		case tRBrace, tRBracket:
			depth--
		}
		n.End = t.end
	}
	n.Closed = true
	return n
}

// closedFurtherOut reports whether a bracket of kind k is open outside the
// innermost container, so that seeing k means the innermost one was left open.
func (p *parser) closedFurtherOut(k tokKind) bool {
	for i := len(p.closers) - 2; i >= 0; i-- {
		if p.closers[i] == k {
			return true
		}
	}
	return false
}

func (p *parser) parseObject(parent *Node) *Node {
	open := p.take()
	n := p.node(Object, open.start, open.start, parent)
	base := len(p.propStack)
	p.closers = append(p.closers, tRBrace)
	p.objectBody(n, open)
	p.closers = p.closers[:len(p.closers)-1]
	setKids(n, p.popProps(base))
	return n
}

func (p *parser) objectBody(n *Node, open token) {
	needComma := false
	for {
		t := p.peek(0)
		switch t.kind {
		case tRBrace:
			p.skip()
			n.End, n.Closed = t.end, true
			return
		case tEOF, tRBracket:
			if t.kind == tEOF || p.closedFurtherOut(tRBracket) {
				p.errorf(open.start, open.end, ErrUnterminated, "object is not closed: missing '}'")
				n.End = t.start
				return
			}
			p.skip()
			p.errorf(t.start, t.end, ErrUnexpected, "unexpected ']': expected a property or '}'")
		case tComma:
			p.skip()
			if !needComma {
				p.errorf(t.start, t.end, ErrUnexpected, "unexpected ',': expected a property or '}'")
			}
			needComma = false
		case tColon:
			p.skip()
			p.errorf(t.start, t.end, ErrUnexpected, "unexpected ':': expected a property name")
		case tLBrace, tLBracket:
			p.errorf(t.start, t.end, ErrInvalidKey, "expected a property name in double quotes")
			p.parseValue(n)
			needComma = true
		default: // string, word or number: a member
			if needComma {
				p.errorf(t.start, t.end, ErrMissingComma, "missing ',' before this property")
			}
			at := p.nextProp() // where parseMember makes its prop
			prop := p.parseMember(n)
			p.propStack = append(p.propStack, at)
			// After a member with no value the error is already said.
			needComma = prop.Value != nil
		}
	}
}

func (p *parser) parseMember(obj *Node) *Prop {
	kt := p.take()
	key := p.stringNode(kt, obj)
	if kt.kind != tString {
		key.Kind, key.Value, key.Closed = String, p.tokText(kt), false
		p.errorf(kt.start, kt.end, ErrInvalidKey, "property names must be in double quotes")
	}
	prop := p.prop(key)
	switch t := p.peek(0); {
	case t.kind == tColon:
		p.skip()
		prop.Colon, prop.End = t.start, t.end
		if !p.startsValue() {
			p.errorf(t.start, t.end, ErrMissingValue, "missing value after ':'")
			return prop
		}
	case p.startsValue():
		p.errorf(kt.start, kt.end, ErrMissingColon, "missing ':' after the property name")
	default:
		p.errorf(kt.start, kt.end, ErrMissingColon, "missing ':' and a value after the property name")
		return prop
	}
	prop.Value = p.parseValue(obj)
	prop.End = prop.Value.End
	return prop
}

func (p *parser) parseArray(parent *Node) *Node {
	open := p.take()
	n := p.node(Array, open.start, open.start, parent)
	base := len(p.itemStack)
	p.closers = append(p.closers, tRBracket)
	p.arrayBody(n, open)
	p.closers = p.closers[:len(p.closers)-1]
	setKids(n, p.popItems(base))
	return n
}

func (p *parser) arrayBody(n *Node, open token) {
	needComma := false
	for {
		t := p.peek(0)
		switch t.kind {
		case tRBracket:
			p.skip()
			n.End, n.Closed = t.end, true
			return
		case tEOF, tRBrace:
			if t.kind == tEOF || p.closedFurtherOut(tRBrace) {
				p.errorf(open.start, open.end, ErrUnterminated, "array is not closed: missing ']'")
				n.End = t.start
				return
			}
			p.skip()
			p.errorf(t.start, t.end, ErrUnexpected, "unexpected '}': expected a value or ']'")
		case tComma:
			p.skip()
			if !needComma {
				p.errorf(t.start, t.end, ErrMissingValue, "missing value before ','")
			}
			needComma = false
		case tColon:
			p.skip()
			p.errorf(t.start, t.end, ErrUnexpected, "unexpected ':' in an array")
		default:
			if needComma {
				p.errorf(t.start, t.end, ErrMissingComma, "missing ',' before this value")
			}
			at := p.nextNode() // where parseValue makes its node
			if p.parseValue(n) == nil {
				at.slab = -1
			}
			p.itemStack = append(p.itemStack, at)
			needComma = true
		}
	}
}

// stringNode decodes a string token into a String node.
func (p *parser) stringNode(t token, parent *Node) *Node {
	n := p.node(String, t.start, t.end, parent)
	n.Closed = t.flags&closed != 0
	if t.kind != tString {
		return n
	}
	end := t.end
	if n.Closed {
		end--
	}
	if t.flags&escaped == 0 {
		n.Value = p.src[t.start+1 : end]
	} else {
		n.Value = p.decode(p.text[t.start+1:end], t.start+1)
	}
	return n
}

// decode resolves the escapes of a string body that starts at offset base.
func (p *parser) decode(body []byte, base int) string {
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(body) {
			p.errorf(base+i, base+i+1, ErrInvalidEscape, "incomplete escape sequence")
			break
		}
		i++
		switch body[i] {
		case '"', '\\', '/':
			b.WriteByte(body[i])
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, n := decodeU(body[i+1:])
			if n == 0 {
				p.errorf(base+i-1, base+i+1, ErrInvalidEscape, "invalid unicode escape: expected 4 hex digits after \\u")
				continue
			}
			i += n
			b.WriteRune(r)
		default:
			_, size := utf8.DecodeRune(body[i:])
			p.errorf(base+i-1, base+i+size, ErrInvalidEscape, "invalid escape sequence '\\"+string(body[i:i+size])+"'")
			b.Write(body[i : i+size])
			i += size - 1
		}
	}
	return b.String()
}

// decodeU decodes the XXXX after \u, joining a surrogate pair written as
// \uD83D\uDE00. It returns the rune and the bytes consumed, 0 when invalid.
func decodeU(s []byte) (rune, int) {
	r, ok := hex4(s)
	if !ok {
		return 0, 0
	}
	if utf16.IsSurrogate(r) && len(s) >= 10 && s[4] == '\\' && s[5] == 'u' {
		if r2, ok := hex4(s[6:]); ok {
			if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
				return pair, 10
			}
		}
	}
	return r, 4
}

func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
