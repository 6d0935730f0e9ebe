package complete

import "strings"

// PlainText returns the item's insert text for an editor without snippet
// support: tabstops removed, placeholders replaced by their default text,
// choices by their first option, escapes resolved.
func (it Item) PlainText() string {
	if !it.Snippet {
		return it.InsertText
	}
	var b strings.Builder
	plain(&b, it.InsertText, false)
	return b.String()
}

// plain writes the plain text of snippet s and returns how much of s it
// read: all of it, or up to the "}" that closes the placeholder it is in
// (nested).
func plain(b *strings.Builder, s string, nested bool) int {
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && strings.IndexByte(`$}\`, s[i+1]) >= 0:
			b.WriteByte(s[i+1])
			i += 2
		case c == '}' && nested:
			return i
		case c == '$' && i+1 < len(s) && isDigit(s[i+1]):
			i++
			for i < len(s) && isDigit(s[i]) {
				i++
			}
		case c == '$' && i+2 < len(s) && s[i+1] == '{' && isDigit(s[i+2]):
			i += placeholder(b, s[i+2:]) + 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return len(s)
}

// placeholder writes the default of the placeholder whose body s starts
// after "${" (at its number) and returns how much of s it read, closing
// brace included.
func placeholder(b *strings.Builder, s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	switch {
	case i >= len(s):
		return i
	case s[i] == '}':
		return i + 1
	case s[i] == ':':
		i++
		return i + plain(b, s[i:], true) + 1
	case s[i] == '|':
		i++
		first := true
		for i < len(s) && s[i] != '|' {
			c := s[i]
			if c == '\\' && i+1 < len(s) {
				i++
				c = s[i]
			} else if c == ',' {
				first = false
				i++
				continue
			}
			if first {
				b.WriteByte(c)
			}
			i++
		}
		return min(i+2, len(s)) // "|}"
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
