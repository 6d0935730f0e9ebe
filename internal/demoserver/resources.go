package demoserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Resource URIs and templates.
const (
	readmeURI     = "demo://readme"
	configURI     = "demo://config.json"
	logoURI       = "demo://logo.png"
	noteURI       = "demo://notes/scratch"
	itemTemplate  = "demo://items/{id}"
	notesTemplate = "demo://users/{user}/notes/{note}"
)

func itemURI(id int) string { return "demo://items/" + strconv.Itoa(id) }

// users and their notes feed the notes template and argument completion.
var users = map[string][]string{
	"alice": {"groceries", "ideas", "todo"},
	"bob":   {"books", "travel"},
	"carol": {"recipes", "garden", "todo"},
	"dave":  {"workouts"},
}

const readmeText = `# mcpls demo server

Everything an MCP client meets, in one place:

- tools with every kind of input schema, one with an output schema, one that fails;
- a slow tool with progress and cancellation, one that asks the user a question;
- prompts whose arguments complete, resources that change and notify.
`

func (s *Server) addResources() {
	s.mcp.AddResource(&mcp.Resource{URI: readmeURI, Name: "readme", Title: "Read me", MIMEType: "text/markdown",
		Description: "What this server offers.", Size: int64(len(readmeText))}, s.readStatic)
	s.mcp.AddResource(&mcp.Resource{URI: configURI, Name: "config", MIMEType: "application/json",
		Description: "The demo server's settings, as JSON."}, s.readStatic)
	s.mcp.AddResource(&mcp.Resource{URI: logoURI, Name: "logo", MIMEType: "image/png",
		Description: "A 32x32 PNG, read as a blob."}, s.readStatic)
	s.mcp.AddResource(&mcp.Resource{URI: noteURI, Name: "scratch note", MIMEType: "text/plain",
		Description: "Changed by write_note; subscribe to hear about it."}, s.readStatic)
	for _, id := range s.state.itemIDs() {
		s.mcp.AddResource(&mcp.Resource{URI: itemURI(id), Name: "item " + strconv.Itoa(id), MIMEType: "application/json"}, s.readItem)
	}
	s.mcp.AddResourceTemplate(&mcp.ResourceTemplate{URITemplate: itemTemplate, Name: "item", MIMEType: "application/json",
		Description: "An item of the store by id; id completes."}, s.readItem)
	s.mcp.AddResourceTemplate(&mcp.ResourceTemplate{URITemplate: notesTemplate, Name: "user note", MIMEType: "text/plain",
		Description: "A user's note; user completes, then note completes from the chosen user."}, s.readUserNote)
}

func (s *Server) readStatic(_ context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	uri := req.Params.URI
	c := &mcp.ResourceContents{URI: uri}
	switch uri {
	case readmeURI:
		c.MIMEType, c.Text = "text/markdown", readmeText
	case configURI:
		text, err := json.MarshalIndent(map[string]any{"pageSize": s.opts.PageSize, "extraTools": len(s.opts.ExtraTools)}, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encoding config: %w", err)
		}
		c.MIMEType, c.Text = "application/json", string(text)
	case logoURI:
		blob, err := drawPNG("purple", 32, "checker")
		if err != nil {
			return nil, err
		}
		c.MIMEType, c.Blob = "image/png", blob
	case noteURI:
		c.MIMEType, c.Text = "text/plain", s.state.noteText()
	default:
		return nil, mcp.ResourceNotFoundError(uri)
	}
	return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{c}}, nil
}

func (s *Server) readItem(_ context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	uri := req.Params.URI
	id, err := strconv.Atoi(strings.TrimPrefix(uri, "demo://items/"))
	if err != nil {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	it, ok := s.state.item(id)
	if !ok {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	text, err := json.Marshal(it)
	if err != nil {
		return nil, fmt.Errorf("encoding item %d: %w", id, err)
	}
	return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: "application/json", Text: string(text)}}}, nil
}

func (s *Server) readUserNote(_ context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	uri := req.Params.URI
	rest, _ := strings.CutPrefix(uri, "demo://users/")
	user, note, ok := strings.Cut(rest, "/notes/")
	if !ok || !contains(users[user], note) {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	text := fmt.Sprintf("%s's %s note.", user, note)
	return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: "text/plain", Text: text}}}, nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// subscribe accepts subscriptions to the resources that change: the note
// and the items.
func (s *Server) subscribe(_ context.Context, req *mcp.SubscribeRequest) error {
	uri := req.Params.URI
	if uri == noteURI || strings.HasPrefix(uri, "demo://items/") {
		return nil
	}
	return fmt.Errorf("%s never changes: subscribe to %s or demo://items/<id>", uri, noteURI)
}

func (s *Server) unsubscribe(context.Context, *mcp.UnsubscribeRequest) error { return nil }

func (s *Server) resourceUpdated(ctx context.Context, uri string) {
	if err := s.mcp.ResourceUpdated(ctx, &mcp.ResourceUpdatedNotificationParams{URI: uri}); err != nil {
		s.log.Warn("sending resources/updated", "uri", uri, "err", err)
	}
}

var palette = map[string]color.NRGBA{
	"purple": {0x7b, 0x3f, 0xe4, 0xff},
	"teal":   {0x00, 0x80, 0x80, 0xff},
	"orange": {0xff, 0x8c, 0x00, 0xff},
	"gray":   {0x80, 0x80, 0x80, 0xff},
}

// drawPNG draws a size×size gradient or checkerboard in the named colour.
func drawPNG(name string, size int, pattern string) ([]byte, error) {
	c, ok := palette[name]
	if !ok {
		return nil, fmt.Errorf("no colour %q", name)
	}
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			px := c
			switch pattern {
			case "checker":
				if (x/4+y/4)%2 == 1 {
					px = color.NRGBA{0xff, 0xff, 0xff, 0xff}
				}
			default:
				px.A = uint8(64 + 191*(x+y)/(2*size))
			}
			img.SetNRGBA(x, y, px)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}
