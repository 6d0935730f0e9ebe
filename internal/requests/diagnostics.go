package requests

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"
	"time"

	"mcpls/internal/config"
	"mcpls/internal/jsonc"
	"mcpls/internal/mcp"
	"mcpls/internal/schema"
)

// Diagnostics returns the catalog-driven diagnostics of every request of
// f, without memoising anything. An editor keeps a Validator per document
// instead.
func Diagnostics(f *config.File, catalogs Catalogs) []config.Diagnostic {
	var v Validator
	return v.Diagnostics(f, catalogs)
}

// Validator computes the diagnostics of the requests of one document and
// remembers them per request, keyed by the request's text and its
// server's catalog: after an edit only the requests whose text changed
// (or whose server's catalog changed) are validated again. The zero value
// is ready to use; it is safe for concurrent use.
type Validator struct {
	// Now tells the time for "cached 5 min ago"; nil means time.Now.
	Now func() time.Time

	// mu guards memo, which holds the results of the last run only, and
	// checked, the number of requests validated so far (for tests).
	mu      sync.Mutex
	memo    map[string]memoEntry
	checked int
}

// memoEntry is one request's diagnostics, with offsets relative to the
// start of the request.
type memoEntry struct {
	key   string // the request's text, reused as the next run's key
	cat   *mcp.Catalog
	diags []config.Diagnostic
}

// Diagnostics returns the diagnostics of every request of f, sorted by
// position. Requests whose server has no catalog get none (config.Check
// reports what the file alone can tell).
func (v *Validator) Diagnostics(f *config.File, catalogs Catalogs) []config.Diagnostic {
	if f == nil || f.Doc == nil || catalogs == nil {
		return nil
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	v.mu.Lock()
	old := v.memo
	next := make(map[string]memoEntry, len(f.Requests))
	v.mu.Unlock()
	var out []config.Diagnostic
	text := f.Doc.Text
	checked := 0
	for _, r := range f.Requests {
		if !r.Server.Set {
			continue
		}
		cat, cachedAt, ok := catalogs(r.Server.Value)
		if !ok || cat == nil {
			continue
		}
		if !cachedAt.IsZero() {
			out = append(out, config.Diagnostic{Start: r.Server.Range.Start, End: r.Server.Range.End,
				Severity: config.SeverityInformation, Code: CodeCatalogCached,
				Message: fmt.Sprintf("catalog cached %s (server offline)", age(now(), cachedAt))})
		}
		src := text[r.Range.Start:r.Range.End]
		e, hit := old[string(src)]
		if !hit || e.cat != cat {
			if e, hit = next[string(src)]; !hit || e.cat != cat {
				checked++
				e = memoEntry{key: string(src), cat: cat, diags: relative(checkRequest(text, r, indexOf(cat)), r.Range.Start)}
			}
		}
		next[e.key] = e
		for _, d := range e.diags {
			d.Start += r.Range.Start
			d.End += r.Range.Start
			out = append(out, d)
		}
	}
	v.mu.Lock()
	v.memo = next
	v.checked += checked
	v.mu.Unlock()
	return out
}

func relative(ds []config.Diagnostic, base int) []config.Diagnostic {
	for i := range ds {
		ds[i].Start -= base
		ds[i].End -= base
	}
	return ds
}

// checker collects the diagnostics of one request.
type checker struct {
	text  []byte
	r     *config.Request
	ix    *index
	diags []config.Diagnostic
}

func (c *checker) report(start, end int, sev config.Severity, code, msg, fix string) {
	c.diags = append(c.diags, config.Diagnostic{Start: start, End: end, Severity: sev, Code: code, Message: msg, Fix: fix})
}

// checkRequest validates one request against its server's catalog.
func checkRequest(text []byte, r *config.Request, ix *index) []config.Diagnostic {
	kind, target, ok := r.Kind()
	if !ok || !target.Set {
		return nil
	}
	c := &checker{text: text, r: r, ix: ix}
	switch kind {
	case config.RequestTool:
		c.tool(target)
	case config.RequestPrompt:
		c.prompt(target)
	case config.RequestResource:
		c.resource(target)
	}
	return c.diags
}

func (c *checker) tool(target config.String) {
	t, ok := c.ix.tools[target.Value]
	if !ok {
		best := closest(target.Value, c.ix.toolNames)
		c.report(target.Range.Start, target.Range.End, config.SeverityError, CodeUnknownTool,
			fmt.Sprintf("the server has no tool %q", target.Value)+didYouMean(best), quoteFix(best))
		return
	}
	s, err := t.compiled()
	if err != nil {
		c.report(target.Range.Start, target.Range.End, config.SeverityWarning, CodeInvalidSchema,
			fmt.Sprintf("the inputSchema of tool %q cannot be used: %v", target.Value, err), "")
		return
	}
	if s == nil {
		return
	}
	for _, p := range s.Validate(c.r.Arguments) {
		if !c.hiddenByVariable(p) {
			c.problem(s, p, target)
		}
	}
}

// hiddenByVariable reports a problem of the text of a string that holds a
// variable reference (${env:X}, ${input:id}...): its expansion is not known
// here, so only its type can be checked.
func (c *checker) hiddenByVariable(p schema.Problem) bool {
	switch p.Keyword {
	case "pattern", "format", "enum", "const", "minLength", "maxLength":
	default:
		return false
	}
	if p.Start < 0 || p.End > len(c.text) {
		return false
	}
	v := c.text[p.Start:p.End]
	return len(v) > 0 && v[0] == '"' && bytes.Contains(v, []byte("${"))
}

// problem reports one schema problem of the arguments.
func (c *checker) problem(s *schema.Schema, p schema.Problem, target config.String) {
	start, end := p.Start, p.End
	if start < 0 {
		start, end = c.anchor(target)
	}
	switch p.Keyword {
	case "required", "dependentRequired", "dependencies":
		c.report(start, end, config.SeverityError, CodeMissingArgument, c.where(p)+p.Message, "")
	case "additionalProperties":
		toks := schema.SplitPointer(p.Pointer)
		names := absent(propertyNames(s.Properties(toks)), nodeAt(c.r.Arguments, toks))
		best := closest(p.Property, names)
		c.report(start, end, config.SeverityError, CodeUnknownArgument, c.where(p)+p.Message+didYouMean(best), quoteFix(best))
	default:
		c.report(start, end, config.SeverityError, CodeInvalidArguments, c.where(p)+p.Message, "")
	}
}

// where prefixes a problem below the top of the arguments with its place.
func (c *checker) where(p schema.Problem) string {
	if p.Pointer == "" {
		return ""
	}
	return "arguments" + p.Pointer + ": "
}

// anchor is where a problem of the whole arguments goes: the arguments
// key, else the request's target value.
func (c *checker) anchor(target config.String) (int, int) {
	if c.r.Arguments != nil {
		return c.r.ArgumentsKey.Start, c.r.ArgumentsKey.End
	}
	return target.Range.Start, target.Range.End
}

// absent returns the names obj does not have as keys: the only ones a
// misspelt key may be meant as.
func absent(names []string, obj *jsonc.Node) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if obj.Prop(n) == nil {
			out = append(out, n)
		}
	}
	return out
}

func propertyNames(ps []schema.Property) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func (c *checker) prompt(target config.String) {
	p, ok := c.ix.prompts[target.Value]
	if !ok {
		best := closest(target.Value, c.ix.promptNames)
		c.report(target.Range.Start, target.Range.End, config.SeverityError, CodeUnknownPrompt,
			fmt.Sprintf("the server has no prompt %q", target.Value)+didYouMean(best), quoteFix(best))
		return
	}
	var names, required []string
	for _, a := range p.Arguments {
		names = append(names, a.Name)
		if a.Required {
			required = append(required, a.Name)
		}
	}
	c.arguments("prompt", names, required, target)
}

// arguments checks string-valued arguments by name: the required ones
// present, no unknown one.
func (c *checker) arguments(of string, names, required []string, target config.String) {
	args := c.r.Arguments
	if args != nil && args.Kind != jsonc.Object {
		if args.Kind != jsonc.Invalid {
			c.report(args.Start, args.End, config.SeverityError, CodeArgumentsType, "arguments must be an object", "")
		}
		return
	}
	for _, name := range required {
		if args.Prop(name) == nil {
			start, end := c.anchor(target)
			c.report(start, end, config.SeverityError, CodeMissingArgument,
				fmt.Sprintf("missing required argument %q of the %s", name, of), "")
		}
	}
	if args == nil {
		return
	}
	for _, p := range args.Props() {
		if containsString(names, p.Key.Value) {
			continue
		}
		best := closest(p.Key.Value, absent(names, args))
		c.report(p.Key.Start, p.Key.End, config.SeverityWarning, CodeUnknownArgument,
			fmt.Sprintf("the %s takes no argument %q", of, p.Key.Value)+didYouMean(best), quoteFix(best))
	}
}

func (c *checker) resource(target config.String) {
	uri := target.Value
	if _, ok := c.ix.resources[uri]; ok {
		return
	}
	for _, t := range c.ix.templates {
		if t.rt.URITemplate == uri {
			c.arguments("template", t.vars, t.vars, target)
			return
		}
	}
	for _, t := range c.ix.templates {
		if t.matches(uri) {
			return
		}
	}
	cands := append([]string(nil), c.ix.uris...)
	for _, t := range c.ix.templates {
		cands = append(cands, t.rt.URITemplate)
	}
	best := closest(uri, cands)
	c.report(target.Range.Start, target.Range.End, config.SeverityWarning, CodeUnknownResource,
		fmt.Sprintf("no resource or resource template of the server matches %s", strconv.Quote(uri))+didYouMean(best), quoteFix(best))
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
