package complete

import "testing"

func TestPlainText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"tabstop", `"command": "$1"`, `"command": ""`},
		{"placeholder", `"timeout": ${1:60}`, `"timeout": 60`},
		{"choice", `"type": "${1|stdio,http,sse|}"`, `"type": "stdio"`},
		{"final tabstop", "{\n\t$0\n}", "{\n\t\n}"},
		{"escaped dollar", `"\$schema": "$1"`, `"$schema": ""`},
		{"nested", `"${2:Bearer \${env:TOKEN\}}"`, `"Bearer ${env:TOKEN}"`},
		{"escaped choice", `${1|a\,b,c|} x`, `a,b x`},
		{"variable form", `\${env:${1:VAR}}`, `${env:VAR}`},
		{"unterminated", `${1:abc`, `abc`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it := Item{InsertText: tt.in, Snippet: true}
			if got := it.PlainText(); got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := (Item{InsertText: "$1"}).PlainText(); got != "$1" {
		t.Errorf("a non-snippet item changed: %q", got)
	}
}

func TestSortKey(t *testing.T) {
	for i, want := range map[int]string{0: "00000", 7: "00007", 123: "00123", 99999: "99999", 123456: "123456"} {
		if got := sortKey(i); got != want {
			t.Errorf("sortKey(%d) = %q, want %q", i, got, want)
		}
	}
}
