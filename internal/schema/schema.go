// Package schema owns JSON Schema for editing: it compiles a schema (a
// tool's inputSchema, draft-07 or 2020-12, with $ref/$defs, allOf, anyOf,
// oneOf and format assertion), validates a value of a JSONC tree against it
// and reports each problem at the precise byte range of that tree (a
// missing property on the key of its object, an extra property on its own
// key, a wrong value on the value), and answers what an editor asks of a
// schema at a JSON pointer: the properties an object may have, the values
// a member may take, and a short summary for hover.
//
// It fetches nothing: a $ref outside the schema document is a compile
// error. The validator underneath is santhosh-tekuri/jsonschema; its types
// stay inside this package.
package schema

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// rootURL names the one resource a compiler holds. Nothing is ever loaded
// from it: the compiler's loader refuses every URL.
const rootURL = "mcpls:///schema.json"

// ErrEmpty is returned by Compile for an empty schema text.
var ErrEmpty = errors.New("empty schema")

// Schema is one compiled schema. It is immutable and safe for concurrent
// use.
type Schema struct {
	root     *jsonschema.Schema
	unusable []error
}

// Unusable lists the patterns of the schema that Go's regexp cannot
// compile even once translated from ECMA-262 (lookaround,
// backreferences), one error each: those "pattern" keywords assert
// nothing, the rest of the schema validates as usual.
func (s *Schema) Unusable() []error {
	return s.unusable
}

// Compile decodes and compiles a schema. Without "$schema" it is read as
// draft 2020-12, the MCP default; formats are asserted. Patterns are
// ECMA-262 regular expressions translated for Go's regexp; one that still
// cannot be compiled is listed by Unusable (a patternProperties key that
// cannot is a compile error).
func Compile(raw []byte) (*Schema, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, ErrEmpty
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("decoding schema: %w", err)
	}
	if err := badPatternKey(doc); err != nil {
		return nil, fmt.Errorf("compiling schema: %w", err)
	}
	engine := &regexpEngine{}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(noLoader{})
	c.UseRegexpEngine(engine.compile)
	if err := c.AddResource(rootURL, doc); err != nil {
		return nil, fmt.Errorf("adding schema: %w", err)
	}
	root, err := c.Compile(rootURL)
	if err != nil {
		return nil, fmt.Errorf("compiling schema: %w", err)
	}
	return &Schema{root: root, unusable: engine.unusable}, nil
}

// noLoader refuses to load anything: schemas come whole from servers.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema refers to %s: external references are not fetched", url)
}
