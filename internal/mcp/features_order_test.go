package mcp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"mcpls/internal/mcp"
)

// orderedSchema lists its properties out of alphabetical order, with a
// name ("2") that a JavaScript object would move first.
const orderedSchema = `{"type":"object","properties":{` +
	`"zip":{"type":"string","title":"Postcode"},` +
	`"name":{"type":"string"},` +
	`"2":{"type":"string","title":"Second line"},` +
	`"age":{"type":"integer","minimum":0},` +
	`"agree":{"type":"boolean"}},"required":["name"]}`

var orderedNames = []string{"zip", "name", "2", "age", "agree"}

// orderServer is a go-sdk server whose "ask" tool elicits orderedSchema,
// sent as is.
func orderServer() *sdk.Server {
	s := sdk.NewServer(&sdk.Implementation{Name: "order", Version: "1"}, nil)
	sdk.AddTool(s, &sdk.Tool{Name: "ask"}, func(ctx context.Context, req *sdk.CallToolRequest, _ struct{}) (*sdk.CallToolResult, any, error) {
		res, err := req.Session.Elicit(ctx, &sdk.ElicitParams{Message: "Where do you live?", RequestedSchema: json.RawMessage(orderedSchema)})
		if err != nil {
			return nil, nil, err
		}
		return &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: "action: " + res.Action}}}, nil, nil
	})
	return s
}

// recordingElicitor accepts every form with a name and hands the request over.
type recordingElicitor struct{ got chan mcp.ElicitRequest }

func (r recordingElicitor) Elicit(_ context.Context, _ string, req mcp.ElicitRequest) (mcp.ElicitResult, error) {
	r.got <- req
	return mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "Ada"}}, nil
}

func TestElicitationKeepsPropertyOrder(t *testing.T) {
	for _, tt := range []struct {
		name   string
		target func(t *testing.T) mcp.Target
	}{
		{"http", func(t *testing.T) mcp.Target {
			srv := orderServer()
			hs := httptest.NewServer(sdk.NewStreamableHTTPHandler(func(*http.Request) *sdk.Server { return srv }, nil))
			t.Cleanup(hs.Close)
			return httpTarget(hs.URL)
		}},
		{"sse", func(t *testing.T) mcp.Target {
			srv := orderServer()
			hs := httptest.NewServer(sdk.NewSSEHandler(func(*http.Request) *sdk.Server { return srv }, nil))
			t.Cleanup(hs.Close)
			return mcp.Target{Name: "test", Transport: mcp.TransportSSE, URL: hs.URL}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			el := recordingElicitor{got: make(chan mcp.ElicitRequest, 1)}
			s, _ := connect(t, tt.target(t), &mcp.Options{Elicit: el})
			res, err := s.CallTool(testContext(t), "ask", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := textOf(t, res); got != "action: accept" || res.IsError {
				t.Fatalf("ask = %q (isError %v), want the form accepted", got, res.IsError)
			}
			req := receive(t, el.got, "the elicitor to be asked")
			if !slices.Equal(req.PropertyOrder, orderedNames) {
				t.Errorf("PropertyOrder = %q, want %q", req.PropertyOrder, orderedNames)
			}
			// The schema itself is the server's, in its order.
			var got, want any
			if err := json.Unmarshal(req.RequestedSchema, &got); err != nil {
				t.Fatalf("RequestedSchema %s: %v", req.RequestedSchema, err)
			}
			_ = json.Unmarshal([]byte(orderedSchema), &want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("RequestedSchema = %s, want %s", req.RequestedSchema, orderedSchema)
			}
			if pos := namePositions(string(req.RequestedSchema)); !slices.IsSorted(pos) {
				t.Errorf("RequestedSchema names its properties out of the server's order: %s", req.RequestedSchema)
			}
		})
	}
}

// namePositions is where each of orderedNames first appears as a key in raw.
func namePositions(raw string) []int {
	var pos []int
	for _, n := range orderedNames {
		pos = append(pos, strings.Index(raw, `"`+n+`":`))
	}
	return pos
}
