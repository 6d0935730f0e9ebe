package lsp

// The completion of a catalog's names (500 tools) answered pre-encoded.
// The items of a catalog are immutable, and only their range and filter
// text depend on the cursor, so their JSON is kept per catalog and a
// request writes one buffer: the list's frame, each item's parts, and the
// range. Building and encoding 500 items anew cost 0.9 MB of garbage per
// keystroke, and with the soft memory limit keeping the heap near what is
// live, a collection (and its mark assists) every few requests.

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"

	"go.lsp.dev/protocol"

	"mcpls/internal/complete"
	"mcpls/internal/jsonc"
	"mcpls/internal/mcp"
	"mcpls/internal/requests"
)

// Parts of the list's encoding, as protocol.Marshal writes them.
const (
	nameListPrefix = `{"isIncomplete":false,"items":[`
	nameListSuffix = `]}`
	filterKey      = `"filterText":`
	rangeKey       = `"range":`
	zeroRange      = `{"start":{"line":0,"character":0},"end":{"line":0,"character":0}}`
)

// nameEncoding is the JSON of a catalog's name items cut around what
// depends on the cursor. Item i is its part 3i (up to its filter text),
// its filter text (filters[1] for a token that starts with a quote, else
// filters[0]), its part 3i+1 (up to its range), the range, and its part
// 3i+2. The parts of all items share one array and the filter texts two,
// so the collector has little to scan in what stays.
type nameEncoding struct {
	parts      []byte
	partEnd    []int
	filters    [2][]byte
	filterEnd  [2][]int
	partsSize  int   // of the parts and filters[0]; filters[1] is longer by filterGrow
	filterGrow int   // len(filters[1]) - len(filters[0])
	err        error // an item could not be cut: answer the plain way
}

// encodeNames cuts the JSON of each item of n.
func encodeNames(n requests.Names) *nameEncoding {
	shared := n.Shared()
	e := &nameEncoding{partEnd: make([]int, 0, 3*len(shared))}
	e.filterEnd[0], e.filterEnd[1] = make([]int, 0, len(shared)), make([]int, 0, len(shared))
	s := &itemScratch{}
	for i, it := range shared {
		if err := e.add(s, it, n.QuotedFilter(i)); err != nil {
			return &nameEncoding{err: fmt.Errorf("encoding the completion of %q: %w", it.Label, err)}
		}
		if i == 0 { // size the parts on the first item
			e.parts = slices.Grow(e.parts, len(e.parts)*len(shared)*9/8)
		}
	}
	e.partsSize = len(e.parts) + len(e.filters[0])
	e.filterGrow = len(e.filters[1]) - len(e.filters[0])
	return e
}

// itemScratch is what encoding one item needs, reused for the next.
type itemScratch struct {
	item protocol.CompletionItem
	edit protocol.TextEdit
	doc  protocol.MarkupContent
	json []byte
}

// add encodes it as an item replacing the zero range, and appends its
// parts and filter texts.
func (e *nameEncoding) add(s *itemScratch, it complete.Item, quoted string) error {
	s.item = completionItem(it, false, protocol.Range{}, &s.edit)
	if it.Documentation != "" {
		s.doc = protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: it.Documentation}
		s.item.Documentation = &s.doc
	}
	b, err := protocol.AppendMarshal(s.json[:0], &s.item)
	if err != nil {
		return err
	}
	s.json = b
	filterStart, filterEnd, rangeStart, ok := cutItem(b, it.FilterText)
	if !ok {
		return fmt.Errorf("cannot find the filter text and the range in %s", b)
	}
	e.parts = append(e.parts, b[:filterStart]...)
	e.partEnd = append(e.partEnd, len(e.parts))
	e.parts = append(e.parts, b[filterEnd:rangeStart]...)
	e.partEnd = append(e.partEnd, len(e.parts))
	e.parts = append(e.parts, b[rangeStart+len(zeroRange):]...)
	e.partEnd = append(e.partEnd, len(e.parts))
	e.filters[0] = append(e.filters[0], b[filterStart:filterEnd]...)
	e.filterEnd[0] = append(e.filterEnd[0], len(e.filters[0]))
	if e.filters[1], err = protocol.AppendMarshal(e.filters[1], protocol.String(quoted)); err != nil {
		return err
	}
	e.filterEnd[1] = append(e.filterEnd[1], len(e.filters[1]))
	return nil
}

// cutItem finds in an item's JSON its filter text (the value of
// filterText, which must be filter) and its range, the zero range. Inside
// a JSON string every quote is escaped, so a key is found only where it
// is one.
func cutItem(b []byte, filter string) (filterStart, filterEnd, rangeStart int, ok bool) {
	f := bytes.Index(b, []byte(filterKey))
	r := bytes.Index(b, []byte(rangeKey))
	if f < 0 || r < f || filter == "" {
		return 0, 0, 0, false
	}
	filterStart = f + len(filterKey)
	enc, err := protocol.Marshal(protocol.String(filter))
	if err != nil || !bytes.HasPrefix(b[filterStart:], enc) {
		return 0, 0, 0, false
	}
	rangeStart = r + len(rangeKey)
	if !bytes.HasPrefix(b[rangeStart:], []byte(zeroRange)) {
		return 0, 0, 0, false
	}
	return filterStart, filterStart + len(enc), rangeStart, true
}

// appendNameList appends the completion list of n to dst, encoded as
// protocol.Marshal encodes &protocol.CompletionList{Items: items} for the
// items n.Items() converts to.
func (e *nameEncoding) appendNameList(dst []byte, lines *jsonc.Lines, n requests.Names) []byte {
	q := 0
	if n.Quoted {
		q = 1
	}
	var rbuf [128]byte
	r := appendRange(rbuf[:0], toRange(lines, n.Start, n.End))
	dst = slices.Grow(dst, e.size(q, len(r)))
	dst = append(dst, nameListPrefix...)
	filters, filterEnd := e.filters[q], e.filterEnd[q]
	part, filter := 0, 0
	for i := range filterEnd {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, e.parts[part:e.partEnd[3*i]]...)
		dst = append(dst, filters[filter:filterEnd[i]]...)
		dst = append(dst, e.parts[e.partEnd[3*i]:e.partEnd[3*i+1]]...)
		dst = append(dst, r...)
		dst = append(dst, e.parts[e.partEnd[3*i+1]:e.partEnd[3*i+2]]...)
		part, filter = e.partEnd[3*i+2], filterEnd[i]
	}
	return append(dst, nameListSuffix...)
}

// size is the length of a list encoded with filters[q] and a range of
// rangeLen bytes.
func (e *nameEncoding) size(q, rangeLen int) int {
	count := len(e.filterEnd[0])
	size := len(nameListPrefix) + e.partsSize + count*(rangeLen+1) - min(count, 1) + len(nameListSuffix)
	if q == 1 {
		size += e.filterGrow
	}
	return size
}

// appendRange appends r as protocol.Marshal encodes it.
func appendRange(dst []byte, r protocol.Range) []byte {
	dst = append(dst, `{"start":`...)
	dst = appendPosition(dst, r.Start)
	dst = append(dst, `,"end":`...)
	dst = appendPosition(dst, r.End)
	return append(dst, '}')
}

func appendPosition(dst []byte, p protocol.Position) []byte {
	dst = append(dst, `{"line":`...)
	dst = strconv.AppendUint(dst, uint64(p.Line), 10)
	dst = append(dst, `,"character":`...)
	dst = strconv.AppendUint(dst, uint64(p.Character), 10)
	return append(dst, '}')
}

// nameListAt appends to dst the encoded completion list at offset when it
// is exactly a catalog's names: the file has nothing of its own to offer
// there. ok is false everywhere else.
func nameListAt(dst []byte, a *analysis, path string, text []byte, lines *jsonc.Lines, offset int, env fileEnv, catalogs requests.Catalogs) ([]byte, bool) {
	f := a.load(path, text)
	n, ok := requests.CompleteNames(f, offset, catalogs)
	if !ok || len(complete.Complete(f, offset, env.configEnv())) > 0 {
		return nil, false
	}
	e := n.Memo(func() any { return encodeNames(n) }).(*nameEncoding)
	if e.err != nil {
		return nil, false
	}
	return e.appendNameList(dst, lines, n), true
}

// warmNameLists encodes in the background the name lists of cat that are
// not encoded yet, so that the first completion of a tool name does not
// pay for encoding hundreds of items (10 ms for 500). Servers sharing a
// catalog share its lists: the first to get it encodes them.
func (s *Server) warmNameLists(cat *mcp.Catalog) {
	var cold []requests.Names
	for _, n := range requests.CatalogNames(cat) {
		if !n.Memoized() {
			cold = append(cold, n)
		}
	}
	if len(cold) == 0 {
		return
	}
	s.client.Go(func(context.Context) {
		for _, n := range cold {
			n.Memo(func() any { return encodeNames(n) })
		}
	})
}
