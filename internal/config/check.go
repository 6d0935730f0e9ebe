package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"

	"mcpls/internal/jsonc"
)

// Check returns every diagnostic of the file, syntax errors included,
// sorted by position. The parts of a broken document that parsed are still
// checked. env supplies the environment for ${VAR} and envFile checks.
func Check(f *File, env Env) []Diagnostic {
	c := &checker{f: f, r: newResolver(f, env, true)}
	c.r.inputsUsed = map[string]bool{}
	for _, e := range f.Doc.Errors {
		c.report(Range{e.Start, e.End}, SeverityError, e.Code, e.Message)
	}
	if root := f.Doc.Root; root != nil {
		if root.Kind == jsonc.Object {
			c.object(root, CtxRoot)
		} else if root.Kind != jsonc.Invalid {
			c.report(rangeOf(root), SeverityError, CodeRootNotObject, fmt.Sprintf("the top level must be an object, not %s", kindText(root.Kind)))
		}
	}
	c.servers()
	c.inputs()
	c.requests()
	sortDiagnostics(c.r.diags)
	return c.r.diags
}

// checker runs the checks of one file; every report goes to its resolver,
// which also reports the problems of variables.
type checker struct {
	f *File
	r *resolver
}

func (c *checker) report(rng Range, sev Severity, code, msg string) {
	c.r.report(rng, sev, code, msg)
}

func (c *checker) reportFix(rng Range, sev Severity, code, msg, fix string) {
	c.r.report(rng, sev, code, msg)
	c.r.diags[len(c.r.diags)-1].Fix = fix
}

// node checks a value of context ctx whose kind the parent has checked.
func (c *checker) node(n *jsonc.Node, ctx Context, name string) {
	switch ctx {
	case CtxRoot, CtxServer, CtxOAuth, CtxInput, CtxRequest:
		c.object(n, ctx)
	case CtxServers:
		c.serverMap(n)
	case CtxInputs, CtxRequests:
		c.list(n, ctx, name)
	case CtxStringMap:
		c.stringMap(n, name)
	case CtxStringArray:
		c.stringArray(n, name)
	}
}

// object checks the keys of an object against the key table: unknown and
// duplicate keys, value types and enums; then its known children.
func (c *checker) object(n *jsonc.Node, ctx Context) {
	if n.Kind != jsonc.Object {
		return
	}
	keys := keyTable[ctx]
	for i, p := range n.Props() {
		name := p.Key.Value
		if duplicateBefore(n.Props(), i) {
			c.report(rangeOf(p.Key), SeverityWarning, CodeDuplicateKey, fmt.Sprintf("duplicate key %q: the last one wins", name))
		}
		key := findKey(keys, name)
		if key == nil {
			best := closest(name, keyNames(ctx))
			msg := fmt.Sprintf("unknown key %q %s", name, where(ctx)) + didYouMean(best)
			c.reportFix(rangeOf(p.Key), SeverityWarning, CodeUnknownKey, msg, quoteFix(best))
			continue
		}
		v := p.Value
		if v == nil || v.Kind == jsonc.Invalid {
			continue // a syntax error already says so
		}
		if !key.Accepts(v.Kind) {
			c.report(rangeOf(v), SeverityError, CodeWrongType, fmt.Sprintf("%q must be %s, not %s", name, kindsText(key.Kinds), kindText(v.Kind)))
			continue
		}
		if len(key.Enum) > 0 && v.Kind == jsonc.String && !contains(key.Enum, v.Value) {
			code := CodeInvalidValue
			if ctx == CtxServer && name == "type" {
				code = CodeServerUnknownType
			}
			best := suggestValue(v.Value, key.Enum)
			msg := fmt.Sprintf("%q is not a valid %q: use %s", v.Value, name, orList(key.Enum)) + didYouMean(best)
			c.reportFix(rangeOf(v), SeverityError, code, msg, quoteFix(best))
			continue
		}
		if child := childContext(ctx, jsonc.PathSeg{Key: name, Index: -1}); child != CtxNone {
			c.node(v, child, name)
		}
	}
}

// duplicateBefore reports whether props[i]'s key appeared earlier. Objects
// are small, so the quadratic scan beats a map.
func duplicateBefore(props []*jsonc.Prop, i int) bool {
	for _, p := range props[:i] {
		if p.Key.Value == props[i].Key.Value {
			return true
		}
	}
	return false
}

func (c *checker) serverMap(n *jsonc.Node) {
	if n.Kind != jsonc.Object {
		return
	}
	for _, p := range n.Props() {
		v := p.Value
		switch {
		case v == nil || v.Kind == jsonc.Invalid:
		case v.Kind != jsonc.Object:
			c.report(rangeOf(v), SeverityError, CodeWrongType, fmt.Sprintf("server %q must be an object, not %s", p.Key.Value, kindText(v.Kind)))
		default:
			c.object(v, CtxServer)
		}
	}
}

func (c *checker) list(n *jsonc.Node, ctx Context, name string) {
	if n.Kind != jsonc.Array {
		return
	}
	child := childContext(ctx, jsonc.PathSeg{Index: 0})
	for _, item := range n.Items() {
		switch item.Kind {
		case jsonc.Invalid:
		case jsonc.Object:
			c.object(item, child)
		default:
			c.report(rangeOf(item), SeverityError, CodeWrongType, fmt.Sprintf("each entry of %q must be an object, not %s", name, kindText(item.Kind)))
		}
	}
}

// stringMap checks env and headers: string values (env also takes numbers
// and null, as VS Code does).
func (c *checker) stringMap(n *jsonc.Node, name string) {
	if n.Kind != jsonc.Object {
		return
	}
	for i, p := range n.Props() {
		if duplicateBefore(n.Props(), i) {
			c.report(rangeOf(p.Key), SeverityWarning, CodeDuplicateKey, fmt.Sprintf("duplicate key %q: the last one wins", p.Key.Value))
		}
		v := p.Value
		if v == nil {
			continue
		}
		switch v.Kind {
		case jsonc.Invalid, jsonc.String, jsonc.Number:
		case jsonc.Null:
			if name != "env" {
				c.report(rangeOf(v), SeverityError, CodeWrongType, fmt.Sprintf("%s value %q must be a string, not null", name, p.Key.Value))
			}
		default:
			c.report(rangeOf(v), SeverityError, CodeWrongType, fmt.Sprintf("%s value %q must be a string, not %s", name, p.Key.Value, kindText(v.Kind)))
		}
	}
}

func (c *checker) stringArray(n *jsonc.Node, name string) {
	if n.Kind != jsonc.Array {
		return
	}
	for _, item := range n.Items() {
		if item.Kind != jsonc.String && item.Kind != jsonc.Invalid {
			c.report(rangeOf(item), SeverityError, CodeWrongType, fmt.Sprintf("the items of %q must be strings, not %s", name, kindText(item.Kind)))
		}
	}
}

// servers checks each server entry: names, target, transport, fields and
// the variables in them.
func (c *checker) servers() {
	seen := make(map[string]bool, len(c.f.Servers))
	for _, s := range c.f.Servers {
		if seen[s.Name] {
			c.report(s.NameRange, SeverityError, CodeServerDuplicateName, fmt.Sprintf("duplicate server name %q", s.Name))
		}
		seen[s.Name] = true
		if s.Node == nil || s.Node.Kind != jsonc.Object {
			continue
		}
		c.target(s)
		c.transportKeys(s)
		c.fields(s)
		c.variables(s)
	}
}

// target checks that the server has exactly the command or url its type
// calls for.
func (c *checker) target(s *Server) {
	hasCmd, hasURL := s.Command.Present, s.URL.Present
	typ := ""
	if s.Type.Set && contains([]string{TransportStdio, TransportHTTP, TransportSSE}, s.Type.Value) {
		typ = s.Type.Value
	}
	switch {
	case !hasCmd && !hasURL:
		msg := fmt.Sprintf("server %q has neither \"command\" (stdio) nor \"url\" (http, sse)", s.Name)
		if typ == TransportStdio {
			msg = fmt.Sprintf("stdio server %q has no \"command\"", s.Name)
		} else if typ != "" {
			msg = fmt.Sprintf("%s server %q has no \"url\"", typ, s.Name)
		}
		c.report(s.NameRange, SeverityError, CodeServerMissingTarget, msg)
	case typ == TransportStdio && !hasCmd:
		c.report(s.Type.Range, SeverityError, CodeServerTypeMismatch, `type "stdio" needs "command", but this server has "url" (use "http" or "sse")`)
	case typ != "" && typ != TransportStdio && !hasURL:
		c.report(s.Type.Range, SeverityError, CodeServerTypeMismatch, fmt.Sprintf(`type %q needs "url", but this server has "command" (use "stdio")`, typ))
	case hasCmd && hasURL && typ == TransportStdio:
		c.report(s.URL.Key, SeverityError, CodeServerTypeMismatch, `"url" does not apply to a stdio server`)
	case hasCmd && hasURL && typ != "":
		c.report(s.Command.Key, SeverityError, CodeServerTypeMismatch, fmt.Sprintf(`"command" does not apply to an %s server`, typ))
	case hasCmd && hasURL:
		c.report(s.NameRange, SeverityError, CodeServerBothTargets, fmt.Sprintf(`server %q has both "command" and "url": keep one, or set "type"`, s.Name))
	}
}

// transportKeys warns about keys of another transport, which are ignored.
// command and url are left to target.
func (c *checker) transportKeys(s *Server) {
	if s.Transport == "" {
		return
	}
	for _, p := range s.Node.Props() {
		name := p.Key.Value
		if name == "command" || name == "url" {
			continue
		}
		if key, ok := LookupKey(CtxServer, name); ok && !key.AppliesTo(s.Transport) {
			msg := fmt.Sprintf("%q applies to %s servers; it is ignored for the %s server %q", name, strings.Join(key.Transports, " and "), s.Transport, s.Name)
			c.report(rangeOf(p.Key), SeverityWarning, CodeServerIgnoredKey, msg)
		}
	}
}

// fields checks the values of command, url, timeout and oauth.
func (c *checker) fields(s *Server) {
	if s.Command.Set && strings.TrimSpace(s.Command.Value) == "" {
		c.report(s.Command.Range, SeverityError, CodeServerEmptyCommand, `"command" is empty`)
	}
	c.url(s.URL)
	if s.Timeout.Set && s.Timeout.Value < 0 {
		c.report(s.Timeout.Range, SeverityError, CodeServerNegativeTimeout, `"timeout" must not be negative`)
	}
	if o := s.OAuth; o != nil && o.CallbackPort.Set {
		p := o.CallbackPort.Value
		if p != math.Trunc(p) || p < 0 || p > 65535 {
			c.report(o.CallbackPort.Range, SeverityError, CodeOAuthInvalidPort, `"callbackPort" must be a whole number from 0 to 65535`)
		}
	}
}

// url checks a server URL. Variables stand for unknown text: a URL that
// starts with one is not checked, and the others are checked with a
// placeholder in their place.
func (c *checker) url(u String) {
	if !u.Set {
		return
	}
	decoded, vars := scanString(c.f.Doc.Text, u.Node)
	if len(vars) > 0 && vars[0].from == 0 {
		return
	}
	probe := decoded
	if len(vars) > 0 {
		var b strings.Builder
		last := 0
		for _, v := range vars {
			b.WriteString(decoded[last:v.from])
			b.WriteString(urlPlaceholder(decoded[:v.from], v))
			last = v.to
		}
		b.WriteString(decoded[last:])
		probe = b.String()
	}
	parsed, err := url.Parse(probe)
	switch {
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		c.report(u.Range, SeverityError, CodeServerInvalidURL, fmt.Sprintf("invalid URL: %v", err))
	case parsed.Scheme == "":
		c.report(u.Range, SeverityError, CodeServerInvalidURL, `invalid URL: it needs a scheme, http:// or https://`)
	case !strings.EqualFold(parsed.Scheme, "http") && !strings.EqualFold(parsed.Scheme, "https"):
		c.report(u.Range, SeverityError, CodeServerURLScheme, fmt.Sprintf("URL scheme %q is not supported: use http or https", parsed.Scheme))
	case parsed.Host == "":
		c.report(u.Range, SeverityError, CodeServerInvalidURL, `invalid URL: it has no host`)
	}
}

// urlPlaceholder stands in for a variable while a URL is checked: its
// default when it has one, a port number right after "host:", else a
// plain word, so that only the literal parts of the URL are judged.
func urlPlaceholder(before string, v Var) string {
	switch {
	case v.HasDefault:
		return v.Default
	case strings.HasSuffix(before, ":") && strings.Contains(before, "://") && !strings.HasSuffix(before, "://"):
		return "1"
	}
	return "x"
}

// variables expands every string field of the server in check mode, which
// reports unset variables, unknown inputs and a missing envFile.
func (c *checker) variables(s *Server) {
	r := c.r
	r.server(s)
	r.expand(s.Command)
	r.expandAll(s.Args)
	r.expand(s.Cwd)
	r.expand(s.URL)
	r.pairs(s.Headers)
	if o := s.OAuth; o != nil {
		r.expand(o.ClientID)
		r.expand(o.ClientSecret)
		r.expandAll(o.Scopes)
	}
}

func (c *checker) inputs() {
	ids := make(map[string]bool, len(c.f.Inputs))
	for _, in := range c.f.Inputs {
		brace := Range{in.Range.Start, in.Range.Start + 1}
		switch {
		case !in.ID.Present:
			c.report(brace, SeverityError, CodeInputMissingID, `input has no "id"`)
		case in.ID.Set && ids[in.ID.Value]:
			c.report(in.ID.Range, SeverityError, CodeInputDuplicateID, fmt.Sprintf("duplicate input id %q", in.ID.Value))
		case in.ID.Set:
			ids[in.ID.Value] = true
			if !c.r.inputsUsed[in.ID.Value] {
				c.report(in.ID.Range, SeverityHint, CodeInputUnused, fmt.Sprintf("input %q is not used by any ${input:%s}", in.ID.Value, in.ID.Value))
			}
		}
		if !in.Type.Present {
			c.report(brace, SeverityError, CodeInputMissingType, `input has no "type" (promptString or pickString)`)
		}
		if in.Type.Set && in.Type.Value == "pickString" {
			c.pickString(in)
		}
	}
}

func (c *checker) pickString(in *Input) {
	switch {
	case !in.OptionsSet:
		c.report(in.Type.Range, SeverityError, CodeInputMissingOptions, `a pickString input needs "options"`)
	case len(in.Options) == 0:
		c.report(in.OptionsKey, SeverityError, CodeInputMissingOptions, `"options" is empty`)
	case in.Default.Set:
		for _, o := range in.Options {
			if o.Set && o.Value == in.Default.Value {
				return
			}
		}
		c.report(in.Default.Range, SeverityWarning, CodeInputDefaultNotOption, fmt.Sprintf("default %q is not one of the options", in.Default.Value))
	}
}

func (c *checker) requests() {
	if len(c.f.Requests) == 0 {
		return
	}
	servers := make(map[string]bool, len(c.f.Servers))
	names := make([]string, 0, len(c.f.Servers))
	for _, s := range c.f.Servers {
		servers[s.Name] = true
		names = append(names, s.Name)
	}
	seen := make(map[string]bool, len(c.f.Requests))
	for _, r := range c.f.Requests {
		brace := Range{r.Range.Start, r.Range.Start + 1}
		switch {
		case !r.Server.Present:
			c.report(brace, SeverityError, CodeRequestMissingServer, `request has no "server"`)
		case r.Server.Set && !servers[r.Server.Value]:
			best := closest(r.Server.Value, names)
			msg := fmt.Sprintf("no server %q in this file", r.Server.Value) + didYouMean(best)
			c.reportFix(r.Server.Range, SeverityError, CodeRequestUnknownServer, msg, quoteFix(best))
		}
		c.requestTarget(r, brace)
		if r.Prompt.Present && !r.Tool.Present && !r.Resource.Present {
			c.promptArguments(r)
		}
		if r.Name.Set {
			if seen[r.Name.Value] {
				c.report(r.Name.Range, SeverityWarning, CodeRequestDuplicateName, fmt.Sprintf("duplicate request name %q", r.Name.Value))
			}
			seen[r.Name.Value] = true
		}
	}
}

// requestTarget checks that a request names exactly one of tool, prompt
// and resource; the extra ones are marked in source order.
func (c *checker) requestTarget(r *Request, brace Range) {
	type member struct {
		kind string
		key  Range
	}
	var buf [3]member
	present := buf[:0]
	for _, t := range [...]struct {
		kind string
		s    *String
	}{{RequestTool, &r.Tool}, {RequestPrompt, &r.Prompt}, {RequestResource, &r.Resource}} {
		if !t.s.Present {
			continue
		}
		present = append(present, member{t.kind, t.s.Key})
		for i := len(present) - 1; i > 0 && present[i-1].key.Start > present[i].key.Start; i-- {
			present[i-1], present[i] = present[i], present[i-1]
		}
	}
	if len(present) == 0 {
		c.report(brace, SeverityError, CodeRequestTargetCount, `request needs one of "tool", "prompt" or "resource"`)
		return
	}
	for _, m := range present[1:] {
		msg := fmt.Sprintf(`a request names exactly one of "tool", "prompt" or "resource"; this one also has %q`, m.kind)
		c.report(m.key, SeverityError, CodeRequestTargetCount, msg)
	}
}

// suggestValue is closest for enum values, and also knows the other
// tools' spellings of a transport ("streamable-http", "streamableHttp").
func suggestValue(v string, enum []string) string {
	if best := closest(v, enum); best != "" {
		return best
	}
	lower := strings.ToLower(v)
	for _, t := range []string{TransportSSE, TransportHTTP, TransportStdio} {
		if contains(enum, t) && strings.Contains(lower, t) {
			return t
		}
	}
	return ""
}

// quoteFix is the JSON string for a suggested replacement, "" for none.
func quoteFix(s string) string {
	if s == "" {
		return ""
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// promptArguments warns about prompt arguments that are not strings, and
// offers the value as a string.
func (c *checker) promptArguments(r *Request) {
	args := r.Arguments
	if args == nil || args.Kind != jsonc.Object {
		return
	}
	for _, p := range args.Props() {
		v := p.Value
		if v == nil || v.Kind == jsonc.String || v.Kind == jsonc.Invalid {
			continue
		}
		msg := fmt.Sprintf("prompt argument %q must be a string, not %s", p.Key.Value, kindText(v.Kind))
		fix := ""
		if v.Kind == jsonc.Number || v.Kind == jsonc.Bool {
			fix = quoteFix(v.Value)
		}
		c.reportFix(rangeOf(v), SeverityWarning, CodeRequestPromptArgument, msg, fix)
	}
}

func where(c Context) string {
	switch c {
	case CtxRoot:
		return "at the top level"
	case CtxServer:
		return "in a server entry"
	case CtxOAuth:
		return "in oauth"
	case CtxInput:
		return "in an input"
	case CtxRequest:
		return "in a request"
	}
	return "here"
}

func keyNames(c Context) []string {
	keys := Keys(c)
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	return names
}

// kindText names a JSON kind with its article: "a string", "an object".
func kindText(k jsonc.Kind) string {
	switch k {
	case jsonc.Object, jsonc.Array:
		return "an " + k.String()
	case jsonc.Null:
		return "null"
	}
	return "a " + k.String()
}

func kindsText(ks []jsonc.Kind) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = kindText(k)
	}
	return strings.Join(parts, " or ")
}

// orList quotes values and joins them: "a", "b" or "c".
func orList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
