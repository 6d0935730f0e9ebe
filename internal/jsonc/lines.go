package jsonc

import (
	"bytes"
	"encoding/binary"
	"sort"
	"unicode/utf8"
)

// Lines maps byte offsets to LSP positions and back. Positions count lines
// from 0 and characters in UTF-16 code units, the LSP default. Line breaks
// are "\n", "\r\n" and "\r".
type Lines struct {
	text   []byte
	starts []int  // byte offset where each line begins
	ascii  []bool // whether each line is pure ASCII (offsets = characters)
}

// NewLines indexes text. It is O(len(text)); Position and Offset are then
// O(log lines) on ASCII lines and O(line length) otherwise.
func NewLines(text []byte) *Lines {
	n := bytes.Count(text, []byte{'\n'}) + 1 // exact unless there are lone '\r' breaks
	l := &Lines{text: text, starts: make([]int, 1, n), ascii: make([]bool, 1, n)}
	l.ascii[0] = true
	nl := -1 // offset of the first '\n' at or after pos, len(text) when none
	for pos := 0; ; {
		if nl < pos {
			nl = len(text)
			if i := bytes.IndexByte(text[pos:], '\n'); i >= 0 {
				nl = pos + i
			}
		}
		end, next := nl, nl+1
		if cr := bytes.IndexByte(text[pos:nl], '\r'); cr >= 0 {
			end, next = pos+cr, pos+cr+1
			if next == nl && nl < len(text) { // "\r\n" is one break
				next++
			}
		} else if nl == len(text) {
			l.ascii[len(l.ascii)-1] = isASCII(text[pos:])
			return l
		}
		l.ascii[len(l.ascii)-1] = isASCII(text[pos:end])
		l.starts = append(l.starts, next)
		l.ascii = append(l.ascii, true)
		pos = next
	}
}

// isASCII reports whether b holds only ASCII bytes, eight at a time.
func isASCII(b []byte) bool {
	const high = 0x8080808080808080
	var acc uint64
	for len(b) >= 8 {
		acc |= binary.LittleEndian.Uint64(b)
		b = b[8:]
	}
	for _, c := range b {
		acc |= uint64(c)
	}
	return acc&high == 0
}

// Count returns the number of lines (at least 1).
func (l *Lines) Count() int { return len(l.starts) }

// Position returns the line and UTF-16 character of a byte offset, clamped
// to the text.
func (l *Lines) Position(offset int) (line, char int) {
	offset = max(0, min(offset, len(l.text)))
	line = sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > offset }) - 1
	start := l.starts[line]
	if l.ascii[line] {
		return line, offset - start
	}
	for i := start; i < offset; {
		r, size := utf8.DecodeRune(l.text[i:])
		if i+size > offset { // offset inside a multi-byte sequence
			break
		}
		char += utf16Len(r)
		i += size
	}
	return line, char
}

// Offset returns the byte offset of a line and UTF-16 character. A position
// past the end of its line clamps to the line's end, a line past the end of
// the text to the end of the text.
func (l *Lines) Offset(line, char int) int {
	if line < 0 {
		return 0
	}
	if line >= len(l.starts) {
		return len(l.text)
	}
	start, end := l.starts[line], l.lineEnd(line)
	if char <= 0 {
		return start
	}
	if l.ascii[line] {
		return min(start+char, end)
	}
	i := start
	for i < end && char > 0 {
		r, size := utf8.DecodeRune(l.text[i:])
		char -= utf16Len(r)
		if char < 0 { // inside a surrogate pair: stay before the rune
			break
		}
		i += size
	}
	return i
}

// lineEnd returns the offset of the line break that ends the line (or the
// end of the text).
func (l *Lines) lineEnd(line int) int {
	end := len(l.text)
	if line+1 < len(l.starts) {
		end = l.starts[line+1] - 1
		if end > l.starts[line] && l.text[end] == '\n' && l.text[end-1] == '\r' {
			end--
		}
	}
	return end
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
