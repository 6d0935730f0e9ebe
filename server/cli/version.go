package cli

import (
	"context"
	"fmt"

	"mcpls/internal/version"
)

func runVersion(_ context.Context, _ []string, stdio Stdio) int {
	fmt.Fprintf(stdio.Out, "%s %s\n", version.Name, version.Version)
	return ExitOK
}
