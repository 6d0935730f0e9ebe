package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"mcpls/internal/mcp"
)

// runCall calls one tool and prints its result: the text of its content
// (other content as a one-line description) and its structuredContent as
// JSON, or the whole result with --json. Exit 1 when the tool reports an
// error (isError) or its structuredContent breaks its outputSchema, as
// well as when the call fails.
func runCall(ctx context.Context, args []string, stdio Stdio) int {
	flags := flag.NewFlagSet("call", flag.ContinueOnError)
	flags.SetOutput(stdio.Err)
	var m mcpFlags
	var ts targetSpec
	m.register(flags)
	flags.StringVar(&ts.url, "url", "", "connect to this streamable HTTP `URL` instead of a configured server")
	flags.StringVar(&ts.stdio, "stdio", "", "run this `command line` as a stdio server instead of a configured server")
	flags.Usage = func() {
		fmt.Fprintln(stdio.Err, `usage: mcpls call [--config F] [--json] [-v] SERVER TOOL [JSON|-]`)
		fmt.Fprintln(stdio.Err, `       mcpls call --url URL | --stdio "CMD ARGS" TOOL [JSON|-]`)
		flags.PrintDefaults()
	}
	operands, code, ok := parseMixed(flags, args)
	if !ok {
		return code
	}
	t, rest, secrets, code := ts.resolve("call", &m, operands, stdio.Err)
	if code != ExitOK {
		return code
	}
	if len(rest) == 0 || len(rest) > 2 {
		flags.Usage()
		return ExitUsage
	}
	arguments, err := callArguments(rest[1:], stdio.In)
	if err != nil {
		fmt.Fprintf(stdio.Err, "mcpls call: %v\n", err)
		return ExitUsage
	}
	sess, err := mcp.Connect(ctx, t, sessionOptions(m.verbose, stdio.Err, secrets))
	if err != nil {
		fmt.Fprintf(stdio.Err, "mcpls call: %v\n", err)
		return ExitFailure
	}
	defer sess.Close()
	res, err := sess.CallTool(ctx, rest[0], arguments, nil)
	if err != nil {
		fmt.Fprintf(stdio.Err, "mcpls call: %v\n", err)
		return ExitFailure
	}
	return printToolResult(stdio, rest[0], res, m.json)
}

// callArguments reads the tool's arguments: a JSON object given on the
// command line, or read from stdin when given as "-"; none means {}.
func callArguments(operands []string, stdin io.Reader) (json.RawMessage, error) {
	if len(operands) == 0 {
		return nil, nil
	}
	raw := []byte(operands[0])
	if operands[0] == "-" {
		var err error
		if raw, err = io.ReadAll(stdin); err != nil {
			return nil, fmt.Errorf("reading the arguments from stdin: %w", err)
		}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, fmt.Errorf("the arguments must be a JSON object, like '{\"a\": 1}': %s", jsonProblem(err))
	}
	return bytes.TrimSpace(raw), nil
}

func jsonProblem(err error) string {
	if err == nil {
		return "got null"
	}
	return err.Error()
}

func printToolResult(stdio Stdio, name string, res *mcp.ToolResult, asJSON bool) int {
	var err error
	if asJSON {
		enc := json.NewEncoder(stdio.Out)
		enc.SetIndent("", "  ")
		err = enc.Encode(res)
	} else {
		err = writeToolText(stdio.Out, res)
	}
	if err != nil {
		fmt.Fprintf(stdio.Err, "mcpls call: writing the result: %v\n", err)
		return ExitFailure
	}
	switch {
	case res.IsError:
		fmt.Fprintf(stdio.Err, "mcpls call: tool %q reported an error (isError)\n", name)
		return ExitFailure
	case res.SchemaError != "":
		fmt.Fprintf(stdio.Err, "mcpls call: the structuredContent of %q does not match its outputSchema: %s\n", name, res.SchemaError)
		return ExitFailure
	}
	return ExitOK
}

// contentPart is the part of a content block that the text output uses.
type contentPart struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	MIMEType string `json:"mimeType"`
	Data     string `json:"data"`
	URI      string `json:"uri"`
	Resource *struct {
		URI  string `json:"uri"`
		Text string `json:"text"`
		Blob string `json:"blob"`
	} `json:"resource"`
}

// writeToolText prints each content block (text as is, others described
// on one line), then the structuredContent as indented JSON unless a text
// block already holds the same JSON.
func writeToolText(w io.Writer, res *mcp.ToolResult) error {
	sameAsText := false
	for _, raw := range res.Content {
		var c contentPart
		if err := json.Unmarshal(raw, &c); err != nil {
			c.Type = "unknown"
		}
		if c.Type == "text" && len(res.StructuredContent) > 0 && jsonEqual([]byte(c.Text), res.StructuredContent) {
			sameAsText = true
		}
		if _, err := fmt.Fprintln(w, describeContent(c)); err != nil {
			return err
		}
	}
	if len(res.StructuredContent) == 0 || sameAsText {
		return nil
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, res.StructuredContent, "", "  "); err != nil {
		pretty.Write(res.StructuredContent)
	}
	_, err := fmt.Fprintf(w, "structuredContent:\n%s\n", pretty.String())
	return err
}

func describeContent(c contentPart) string {
	switch c.Type {
	case "text":
		return c.Text
	case "image", "audio":
		return fmt.Sprintf("[%s %s, %d bytes]", c.Type, c.MIMEType, base64Len(c.Data))
	case "resource_link":
		return fmt.Sprintf("[resource link %s]", c.URI)
	case "resource":
		if c.Resource != nil && c.Resource.Text != "" {
			return c.Resource.Text
		}
		if c.Resource != nil {
			return fmt.Sprintf("[resource %s, %d bytes]", c.Resource.URI, base64Len(c.Resource.Blob))
		}
	}
	return fmt.Sprintf("[%s content]", c.Type)
}

// jsonEqual reports whether a and b are the same JSON value.
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// base64Len is the number of bytes that base64 text decodes to.
func base64Len(s string) int {
	return len(s)*3/4 - (len(s) - len(strings.TrimRight(s, "=")))
}
