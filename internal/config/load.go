package config

import (
	"slices"
	"strconv"
	"strings"

	"mcpls/internal/jsonc"
)

// Load parses text as the config file at path and builds the typed model.
// It never fails and never returns nil: a broken document gives a partial
// model, and Check reports what is wrong. Load does no I/O; path only
// places the file (its workspace folder, relative envFile paths).
func Load(path string, text []byte) *File {
	f := &File{Path: path, Doc: jsonc.Parse(text)}
	f.build()
	return f
}

// build makes the typed model from the parsed document.
func (f *File) build() {
	root := f.Doc.Root
	if root == nil || root.Kind != jsonc.Object {
		return
	}
	for _, p := range root.Props() {
		if p.Value == nil {
			continue
		}
		switch p.Key.Value {
		case "mcpServers", "servers":
			f.loadServers(p.Value)
		case "inputs":
			f.loadInputs(p.Value)
		case "requests":
			f.loadRequests(p.Value)
		}
	}
}

func (f *File) loadServers(n *jsonc.Node) {
	if n.Kind != jsonc.Object {
		return
	}
	for _, p := range n.Props() {
		f.Servers = append(f.Servers, loadServer(f, p))
	}
}

func loadServer(f *File, p *jsonc.Prop) *Server {
	// The name is copied: it keys long-lived state (connections, console
	// history), and a slice of the text would keep the whole text alive.
	s := &Server{file: f, Name: strings.Clone(p.Key.Value), NameRange: rangeOf(p.Key), Node: p.Value, Range: Range{p.Start, p.End}}
	if p.Value == nil {
		return s
	}
	s.Range = rangeOf(p.Value)
	if p.Value.Kind != jsonc.Object {
		return s
	}
	for _, m := range p.Value.Props() {
		switch m.Key.Value {
		case "type":
			s.Type = stringOf(m)
		case "command":
			s.Command = stringOf(m)
		case "args":
			s.Args = stringsOf(m.Value)
		case "env":
			s.Env = pairsOf(m.Value)
		case "envFile":
			s.EnvFile = stringOf(m)
		case "cwd":
			s.Cwd = stringOf(m)
		case "url":
			s.URL = stringOf(m)
		case "headers":
			s.Headers = pairsOf(m.Value)
		case "oauth":
			s.OAuth = loadOAuth(m.Value)
		case "timeout":
			s.Timeout = numberOf(m)
		}
	}
	s.Transport = resolveTransport(s)
	return s
}

// resolveTransport is the explicit type when known, else what the fields
// say: stdio for a command, http for a url.
func resolveTransport(s *Server) string {
	switch t := s.Type.Value; t {
	case TransportStdio, TransportHTTP, TransportSSE:
		if s.Type.Set {
			return t
		}
	}
	switch {
	case s.Command.Present:
		return TransportStdio
	case s.URL.Present:
		return TransportHTTP
	}
	return ""
}

func loadOAuth(n *jsonc.Node) *OAuth {
	if n == nil || n.Kind != jsonc.Object {
		return nil
	}
	o := &OAuth{Range: rangeOf(n)}
	for _, m := range n.Props() {
		switch m.Key.Value {
		case "clientId":
			o.ClientID = stringOf(m)
		case "clientSecret":
			o.ClientSecret = stringOf(m)
		case "scopes":
			o.Scopes = stringsOf(m.Value)
		case "callbackPort":
			o.CallbackPort = numberOf(m)
		}
	}
	return o
}

func (f *File) loadInputs(n *jsonc.Node) {
	if n.Kind != jsonc.Array {
		return
	}
	for _, item := range n.Items() {
		if item.Kind != jsonc.Object {
			continue
		}
		in := &Input{Range: rangeOf(item)}
		for _, m := range item.Props() {
			switch m.Key.Value {
			case "id":
				in.ID = stringOf(m)
			case "type":
				in.Type = stringOf(m)
			case "description":
				in.Description = stringOf(m)
			case "password":
				in.Password = boolOf(m)
			case "default":
				in.Default = stringOf(m)
			case "options":
				in.Options = stringsOf(m.Value)
				in.OptionsSet = m.Value != nil && m.Value.Kind == jsonc.Array
				in.OptionsKey = rangeOf(m.Key)
			}
		}
		f.Inputs = append(f.Inputs, in)
	}
}

func (f *File) loadRequests(n *jsonc.Node) {
	if n.Kind != jsonc.Array {
		return
	}
	store := make([]Request, len(n.Items())) // one allocation for all
	f.Requests = slices.Grow(f.Requests, len(n.Items()))
	for i, item := range n.Items() {
		if item.Kind != jsonc.Object {
			continue
		}
		r := &store[i]
		*r = Request{Index: i, Range: rangeOf(item), Node: item}
		for _, m := range item.Props() {
			switch m.Key.Value {
			case "name":
				r.Name = stringOf(m)
			case "server":
				r.Server = stringOf(m)
			case RequestTool:
				r.Tool = stringOf(m)
			case RequestPrompt:
				r.Prompt = stringOf(m)
			case RequestResource:
				r.Resource = stringOf(m)
			case "description":
				r.Description = stringOf(m)
			case "arguments":
				r.Arguments = m.Value
				r.ArgumentsKey = rangeOf(m.Key)
			}
		}
		f.Requests = append(f.Requests, r)
	}
}

// member is where a member's key and value are (the key when it has no
// value), and its value when that is of kind, else nil.
func member(p *jsonc.Prop, kind jsonc.Kind) (key, at Range, value *jsonc.Node) {
	key, at = rangeOf(p.Key), rangeOf(p.Key)
	if p.Value != nil {
		at = rangeOf(p.Value)
		if p.Value.Kind == kind {
			value = p.Value
		}
	}
	return key, at, value
}

// stringOf reads a member whose value should be a string.
func stringOf(p *jsonc.Prop) String {
	key, at, v := member(p, jsonc.String)
	s := String{Present: true, Key: key, Range: at, Node: p.Value}
	if v != nil {
		s.Value, s.Set = v.Value, true
	}
	return s
}

// stringsOf reads an array of strings; items of other kinds are kept with
// Set false, so indexes match the source.
func stringsOf(n *jsonc.Node) []String {
	if n == nil || n.Kind != jsonc.Array {
		return nil
	}
	out := make([]String, 0, len(n.Items()))
	for _, item := range n.Items() {
		s := String{Present: true, Range: rangeOf(item), Node: item}
		if item.Kind == jsonc.String {
			s.Value, s.Set = item.Value, true
		}
		out = append(out, s)
	}
	return out
}

// pairsOf reads a map of strings (env, headers) in source order.
func pairsOf(n *jsonc.Node) []Pair {
	if n == nil || n.Kind != jsonc.Object {
		return nil
	}
	out := make([]Pair, 0, len(n.Props()))
	for _, p := range n.Props() {
		v := stringOf(p)
		if p.Value != nil && p.Value.Kind == jsonc.Number {
			v.Value, v.Set = p.Value.Value, true // env takes numbers, as VS Code does
		}
		out = append(out, Pair{Name: p.Key.Value, NameRange: rangeOf(p.Key), Value: v})
	}
	return out
}

// numberOf reads a member whose value should be a number.
func numberOf(p *jsonc.Prop) Number {
	key, at, v := member(p, jsonc.Number)
	n := Number{Key: key, Range: at}
	if v != nil {
		f, err := strconv.ParseFloat(v.Value, 64)
		n.Value, n.Set = f, err == nil
	}
	return n
}

// boolOf reads a member whose value should be a boolean.
func boolOf(p *jsonc.Prop) Bool {
	key, at, v := member(p, jsonc.Bool)
	b := Bool{Key: key, Range: at}
	if v != nil {
		b.Value, b.Set = v.Value == "true", true
	}
	return b
}
