package schema

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var printer = message.NewPrinter(language.English)

// keyword is the last step of an error's keyword path: the keyword that
// failed.
func keyword(k jsonschema.ErrorKind) string {
	path := k.KeywordPath()
	if len(path) == 0 {
		if _, ok := k.(*kind.FalseSchema); ok {
			return "false"
		}
		return "schema"
	}
	return path[len(path)-1]
}

// missingOf returns the properties an object lacks, for the keywords that
// require some.
func missingOf(k jsonschema.ErrorKind) ([]string, bool) {
	switch k := k.(type) {
	case *kind.Required:
		return k.Missing, true
	case *kind.DependentRequired:
		return k.Missing, true
	case *kind.Dependency:
		return k.Missing, true
	}
	return nil, false
}

func missingMessage(k jsonschema.ErrorKind, name string) string {
	switch k := k.(type) {
	case *kind.DependentRequired:
		return fmt.Sprintf("missing property %s, required when %s is present", quote(name), quote(k.Prop))
	case *kind.Dependency:
		return fmt.Sprintf("missing property %s, required when %s is present", quote(name), quote(k.Prop))
	}
	return "missing required property " + quote(name)
}

// extraOf returns the properties an object may not have.
func extraOf(k jsonschema.ErrorKind) ([]string, bool) {
	if k, ok := k.(*kind.AdditionalProperties); ok {
		return k.Properties, true
	}
	return nil, false
}

// describeError says what is wrong with a value, in words.
func describeError(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Type:
		return fmt.Sprintf("expected %s, got %s", strings.Join(k.Want, " or "), k.Got)
	case *kind.Enum:
		return fmt.Sprintf("%s is not one of %s", display(k.Got), displayList(k.Want))
	case *kind.Const:
		return fmt.Sprintf("expected %s, got %s", display(k.Want), display(k.Got))
	case *kind.Format:
		return fmt.Sprintf("%s is not a valid %s", display(k.Got), k.Want)
	case *kind.Minimum:
		return fmt.Sprintf("must be at least %s, got %s", ratText(k.Want), ratText(k.Got))
	case *kind.Maximum:
		return fmt.Sprintf("must be at most %s, got %s", ratText(k.Want), ratText(k.Got))
	case *kind.ExclusiveMinimum:
		return fmt.Sprintf("must be greater than %s, got %s", ratText(k.Want), ratText(k.Got))
	case *kind.ExclusiveMaximum:
		return fmt.Sprintf("must be less than %s, got %s", ratText(k.Want), ratText(k.Got))
	case *kind.MultipleOf:
		return fmt.Sprintf("must be a multiple of %s, got %s", ratText(k.Want), ratText(k.Got))
	case *kind.MinLength:
		return fmt.Sprintf("must be at least %d characters long, got %d", k.Want, k.Got)
	case *kind.MaxLength:
		return fmt.Sprintf("must be at most %d characters long, got %d", k.Want, k.Got)
	case *kind.Pattern:
		return fmt.Sprintf("%s does not match the pattern %s", quote(k.Got), quote(k.Want))
	case *kind.MinItems:
		return fmt.Sprintf("must have at least %d items, got %d", k.Want, k.Got)
	case *kind.MaxItems:
		return fmt.Sprintf("must have at most %d items, got %d", k.Want, k.Got)
	case *kind.OneOf:
		if k.Subschemas == nil {
			return "matches none of the alternatives (oneOf)"
		}
		return fmt.Sprintf("matches more than one alternative (oneOf: %d and %d)", k.Subschemas[0], k.Subschemas[1])
	case *kind.UniqueItems:
		return fmt.Sprintf("items must be unique: items %d and %d are equal", k.Duplicates[0], k.Duplicates[1])
	case *kind.FalseSchema:
		return "no value is allowed here"
	}
	return k.LocalizedString(printer)
}

// mergeTypes merges the type problems of one value (from the branches of
// anyOf or oneOf) into one listing every accepted type.
func mergeTypes(ps []Problem) []Problem {
	first := map[string]int{}
	out := ps[:0:0]
	for _, p := range ps {
		if p.Keyword != "type" {
			out = append(out, p)
			continue
		}
		i, seen := first[p.Pointer]
		if !seen {
			first[p.Pointer] = len(out)
			out = append(out, p)
			continue
		}
		out[i].Message = mergeTypeMessages(out[i].Message, p.Message)
	}
	return out
}

// mergeTypeMessages joins "expected A, got X" and "expected B, got X".
func mergeTypeMessages(a, b string) string {
	wa, got, ok1 := strings.Cut(strings.TrimPrefix(a, "expected "), ", got ")
	wb, _, ok2 := strings.Cut(strings.TrimPrefix(b, "expected "), ", got ")
	if !ok1 || !ok2 {
		return a
	}
	want := strings.Split(wa, " or ")
	for _, w := range strings.Split(wb, " or ") {
		if !containsString(want, w) {
			want = append(want, w)
		}
	}
	return fmt.Sprintf("expected %s, got %s", strings.Join(want, " or "), got)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quote(s string) string { return strconv.Quote(s) }

// display renders a JSON value as JSON, briefly.
func display(v any) string {
	b, err := marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}

func displayList(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = display(v)
	}
	return strings.Join(parts, ", ")
}

func ratText(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}
