package mcp

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"math"
	"reflect"
	"slices"
	"sync"
	"unsafe"
	"weak"
)

// Catalogs are interned by content, process-wide: many sessions (and
// cached catalogs) describing the same server share one copy of its
// tools, prompts, resources, templates and capabilities. The table holds
// only weak pointers, so a catalog nobody uses any more is freed and its
// entry pruned. Interned slices are clipped (cap == len), so an append by
// a caller copies instead of writing into shared memory; callers must not
// write into a catalog's elements.

// weakSlice remembers a slice without keeping its backing array alive.
type weakSlice[T any] struct {
	ptr weak.Pointer[T]
	n   int
}

func makeWeak[T any](s []T) weakSlice[T] {
	if len(s) == 0 {
		return weakSlice[T]{}
	}
	return weakSlice[T]{ptr: weak.Make(&s[0]), n: len(s)}
}

// get returns the slice, or false if its backing array was freed.
func (w weakSlice[T]) get() ([]T, bool) {
	if w.n == 0 {
		return nil, true
	}
	p := w.ptr.Value()
	if p == nil {
		return nil, false
	}
	return unsafe.Slice(p, w.n), true
}

// internEntry is one interned catalog's shared parts, held weakly.
type internEntry struct {
	caps      weakSlice[byte]
	tools     weakSlice[Tool]
	prompts   weakSlice[Prompt]
	resources weakSlice[Resource]
	templates weakSlice[ResourceTemplate]
}

// load rebuilds the shared parts into cat; false if any part was freed.
func (e internEntry) load(cat *Catalog) bool {
	caps, ok1 := e.caps.get()
	tools, ok2 := e.tools.get()
	prompts, ok3 := e.prompts.get()
	resources, ok4 := e.resources.get()
	templates, ok5 := e.templates.get()
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return false
	}
	if caps != nil {
		cat.Capabilities = caps
	}
	if tools != nil {
		cat.Tools = tools
	}
	if prompts != nil {
		cat.Prompts = prompts
	}
	if resources != nil {
		cat.Resources = resources
	}
	if templates != nil {
		cat.Templates = templates
	}
	return true
}

var interned = struct {
	sync.Mutex
	table     map[[sha256.Size]byte]internEntry
	nextPrune int
}{table: map[[sha256.Size]byte]internEntry{}, nextPrune: 16}

// Intern returns cat with its slices replaced by the shared copies of an
// identical catalog (same content, field by field) when one is still in use, else
// it records cat's (clipped) slices as the shared copies. The result must
// be treated as read-only.
func Intern(cat Catalog) Catalog {
	key := contentKey(&cat)
	interned.Lock()
	defer interned.Unlock()
	if e, ok := interned.table[key]; ok && e.load(&cat) {
		return cat
	}
	cat.Capabilities = slices.Clip(cat.Capabilities)
	cat.Tools, cat.Prompts = slices.Clip(cat.Tools), slices.Clip(cat.Prompts)
	cat.Resources, cat.Templates = slices.Clip(cat.Resources), slices.Clip(cat.Templates)
	interned.table[key] = internEntry{caps: makeWeak(cat.Capabilities), tools: makeWeak(cat.Tools),
		prompts: makeWeak(cat.Prompts), resources: makeWeak(cat.Resources), templates: makeWeak(cat.Templates)}
	if len(interned.table) >= interned.nextPrune {
		pruneLocked()
		interned.nextPrune = 2*len(interned.table) + 16
	}
	return cat
}

// pruneLocked drops the entries whose catalogs were freed.
func pruneLocked() {
	var scratch Catalog
	for k, e := range interned.table {
		if !e.load(&scratch) {
			delete(interned.table, k)
		}
	}
}

// contentKey hashes every field of cat. Each string and slice is prefixed
// by its length, so two different catalogs never write the same bytes.
// Hashing the fields costs a fraction of encoding the catalog as JSON,
// which for hundreds of tools was a good part of connecting.
func contentKey(cat *Catalog) [sha256.Size]byte {
	w := keyWriter{h: sha256.New()}
	w.value(reflect.ValueOf(cat).Elem())
	var key [sha256.Size]byte
	w.h.Sum(key[:0])
	return key
}

type keyWriter struct {
	h   hash.Hash
	buf [binary.MaxVarintLen64]byte
}

func (w *keyWriter) value(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		w.uint(uint64(len(s)))
		w.h.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			w.uint(uint64(v.Len()))
			w.h.Write(v.Bytes())
			return
		}
		w.uint(uint64(v.Len()))
		for i := range v.Len() {
			w.value(v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			w.value(v.Field(i))
		}
	case reflect.Bool:
		w.uint(uint64(btoi(v.Bool())))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.uint(uint64(v.Int()))
	case reflect.Float32, reflect.Float64:
		w.uint(math.Float64bits(v.Float()))
	default:
		// A new field of a kind not handled here: caught by the tests,
		// which key a catalog with every field set.
		panic(fmt.Sprintf("mcp: no content key for a %s", v.Type()))
	}
}

func (w *keyWriter) uint(n uint64) {
	w.h.Write(binary.AppendUvarint(w.buf[:0], n))
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
