package lsp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"mcpls/server/lspext"
)

// outputDir is where rendered results and console files go.
func (s *Server) outputDir() string {
	if s.opts.OutputDir != "" {
		return s.opts.OutputDir
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "mcpls")
}

// outcomeMark is the sign of an outcome: ✓ done, ⊘ cancelled, ✖ failed
// (a protocol error, or the tool's own error result).
func outcomeMark(r lspext.Result) string {
	switch {
	case r.OK:
		return "✓"
	case r.Cancelled:
		return "⊘"
	}
	return "✖"
}

// renderResult writes r as a Markdown file under dir/results, with images
// and blobs saved beside it, and returns the file's path.
func renderResult(dir string, r lspext.Result) (string, error) {
	dir = filepath.Join(dir, "results")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating %s: %w", dir, err)
	}
	base := fmt.Sprintf("%s-%s-%s", fileSafe(r.Server), fileSafe(r.Target), time.Now().UTC().Format("20060102T150405.000"))
	rd := &renderer{dir: dir, base: base}
	fmt.Fprintf(&rd.b, "# %s\n\n%s %s · %s `%s` on `%s` · %s\n\n", r.Name, outcomeMark(r), r.Summary, r.Kind, r.Target, r.Server, r.Time)
	if err := rd.response(r.Kind, r.Response); err != nil {
		return "", err
	}
	path := filepath.Join(dir, base+".md")
	if err := os.WriteFile(path, rd.b.Bytes(), 0o600); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	return path, nil
}

type renderer struct {
	dir, base string
	b         bytes.Buffer
	files     int
}

// part is any MCP content block or resource contents.
type part struct {
	Type     string          `json:"type"`
	Text     string          `json:"text"`
	Data     string          `json:"data"`
	Blob     string          `json:"blob"`
	MIMEType string          `json:"mimeType"`
	URI      string          `json:"uri"`
	Name     string          `json:"name"`
	Resource json.RawMessage `json:"resource"`
}

func (rd *renderer) response(kind string, raw json.RawMessage) error {
	var res struct {
		Content           []json.RawMessage `json:"content"`
		StructuredContent json.RawMessage   `json:"structuredContent"`
		Messages          []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
		Contents []json.RawMessage `json:"contents"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("decoding the %s result: %w", kind, err)
	}
	for _, c := range res.Content {
		rd.part(c)
	}
	if len(res.StructuredContent) > 0 {
		rd.b.WriteString("## Structured content\n\n")
		rd.json(res.StructuredContent)
	}
	for _, m := range res.Messages {
		fmt.Fprintf(&rd.b, "## %s\n\n", m.Role)
		rd.part(m.Content)
	}
	for _, c := range res.Contents {
		rd.part(c)
	}
	rd.b.WriteString("## Response\n\n")
	rd.json(raw)
	return nil
}

func (rd *renderer) part(raw json.RawMessage) {
	var p part
	if json.Unmarshal(raw, &p) != nil {
		rd.json(raw)
		return
	}
	switch {
	case p.Type == "resource" && len(p.Resource) > 0:
		rd.part(p.Resource)
	case p.Type == "image" || p.Type == "audio" || p.Blob != "":
		data := p.Data
		if data == "" {
			data = p.Blob
		}
		rd.file(p.MIMEType, data, p.Type == "image" || strings.HasPrefix(p.MIMEType, "image/"))
	case p.Text != "" || p.Type == "text":
		if p.URI != "" {
			fmt.Fprintf(&rd.b, "`%s`\n\n", p.URI)
		}
		if strings.Contains(p.MIMEType, "json") {
			rd.json(json.RawMessage(p.Text))
		} else {
			rd.b.WriteString(p.Text + "\n\n")
		}
	case p.Type == "resource_link":
		fmt.Fprintf(&rd.b, "[%s](%s)\n\n", p.Name, p.URI)
	default:
		rd.json(raw)
	}
}

// file saves base64 data beside the result and links it.
func (rd *renderer) file(mime, data string, image bool) {
	bin, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		fmt.Fprintf(&rd.b, "(undecodable %s data)\n\n", mime)
		return
	}
	rd.files++
	name := fmt.Sprintf("%s-%d%s", rd.base, rd.files, extension(mime))
	if err := os.WriteFile(filepath.Join(rd.dir, name), bin, 0o600); err != nil {
		fmt.Fprintf(&rd.b, "(could not save %s: %v)\n\n", mime, err)
		return
	}
	if image {
		fmt.Fprintf(&rd.b, "![%s](%s)\n\n", mime, name)
	} else {
		fmt.Fprintf(&rd.b, "[%s](%s)\n\n", name, name)
	}
}

func extension(mime string) string {
	switch mime {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "image/svg+xml":
		return ".svg"
	case "audio/wav":
		return ".wav"
	}
	return ".bin"
}

func (rd *renderer) json(raw json.RawMessage) {
	var out bytes.Buffer
	if json.Indent(&out, raw, "", "  ") != nil {
		out.Reset()
		out.Write(raw)
	}
	rd.b.WriteString("```json\n")
	rd.b.Write(out.Bytes())
	rd.b.WriteString("\n```\n\n")
}
