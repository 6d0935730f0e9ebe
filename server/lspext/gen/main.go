// Command gen writes the TypeScript declarations of mcpls's LSP extensions
// (extension/src/lsp_ext.ts) from package lspext, the one source of truth.
//
//	go run ./server/lspext/gen > extension/src/lsp_ext.ts
package main

import (
	"fmt"
	"os"

	"mcpls/server/lspext"
)

func main() {
	if _, err := os.Stdout.WriteString(lspext.TypeScript()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
