package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestServeArguments(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		want    int
		wantErr string
	}{
		// An editor that exits without shutdown gets 1, as LSP prescribes;
		// reaching it shows the arguments were accepted.
		{"--stdio accepted", []string{"--stdio"}, ExitFailure, ""},
		{"no flag", nil, ExitFailure, ""},
		{"unknown flag", []string{"--tcp"}, ExitUsage, "flag provided but not defined"},
		{"extra argument", []string{"x"}, ExitUsage, `unexpected argument "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exit := `{"jsonrpc":"2.0","method":"exit"}`
			in := strings.NewReader(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(exit), exit))
			var out, errs bytes.Buffer
			got := runServe(context.Background(), tc.args, Stdio{In: in, Out: &out, Err: &errs})
			if got != tc.want {
				t.Errorf("exit code %d, want %d (stderr: %s)", got, tc.want, errs.String())
			}
			if !strings.Contains(errs.String(), tc.wantErr) {
				t.Errorf("stderr %q, want it to contain %q", errs.String(), tc.wantErr)
			}
			if tc.want == ExitUsage && out.Len() > 0 {
				t.Errorf("stdout %q: usage errors must not write to the LSP channel", out.String())
			}
		})
	}
}
