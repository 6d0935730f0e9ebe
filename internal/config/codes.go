package config

import (
	"fmt"
	"sort"
	"strings"
)

// Severity of a diagnostic; the values are LSP's.
type Severity int

// The severities, as numbered by LSP.
const (
	SeverityError       Severity = 1
	SeverityWarning     Severity = 2
	SeverityInformation Severity = 3
	SeverityHint        Severity = 4
)

func (s Severity) String() string {
	switch s {
	case SeverityError:
		return "error"
	case SeverityWarning:
		return "warning"
	case SeverityInformation:
		return "info"
	case SeverityHint:
		return "hint"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// Diagnostic is one problem at a byte range of the document.
type Diagnostic struct {
	Start, End int
	Severity   Severity
	Code       string // stable: see Codes and jsonc's syntax/* codes
	Message    string
	// Fix, when not empty, is a likely correction: the text to put in
	// place of Start:End (the "did you mean" of the message).
	Fix string
}

// The stable diagnostic codes. Syntax errors keep jsonc's "syntax/..."
// codes (severity error). Codes lists every other code with its severity
// and meaning; a test checks that Check and Expand keep to it.
const (
	CodeRootNotObject         = "root/not-object"
	CodeUnknownKey            = "unknown-key"
	CodeDuplicateKey          = "duplicate-key"
	CodeWrongType             = "wrong-type"
	CodeInvalidValue          = "invalid-value"
	CodeServerUnknownType     = "server/unknown-type"
	CodeServerMissingTarget   = "server/missing-target"
	CodeServerBothTargets     = "server/both-command-and-url"
	CodeServerTypeMismatch    = "server/type-mismatch"
	CodeServerIgnoredKey      = "server/ignored-key"
	CodeServerEmptyCommand    = "server/empty-command"
	CodeServerInvalidURL      = "server/invalid-url"
	CodeServerURLScheme       = "server/url-scheme"
	CodeServerDuplicateName   = "server/duplicate-name"
	CodeServerNegativeTimeout = "server/negative-timeout"
	CodeOAuthInvalidPort      = "oauth/invalid-port"
	CodeInputUnknown          = "input/unknown"
	CodeInputNoValue          = "input/no-value"
	CodeInputMissingID        = "input/missing-id"
	CodeInputDuplicateID      = "input/duplicate-id"
	CodeInputMissingType      = "input/missing-type"
	CodeInputMissingOptions   = "input/missing-options"
	CodeInputDefaultNotOption = "input/default-not-option"
	CodeInputUnused           = "input/unused"
	CodeEnvUnset              = "env/unset"
	CodeVarUnsupported        = "var/unsupported"
	CodeVarMalformed          = "var/malformed"
	CodeEnvFileNotFound       = "envfile/not-found"
	CodeEnvFileUnreadable     = "envfile/unreadable"
	CodeRequestMissingServer  = "request/missing-server"
	CodeRequestUnknownServer  = "request/unknown-server"
	CodeRequestTargetCount    = "request/target-count"
	CodeRequestDuplicateName  = "request/duplicate-name"
	CodeRequestPromptArgument = "request/prompt-argument-type"
)

// CodeInfo documents one diagnostic code.
type CodeInfo struct {
	Code     string
	Severity Severity
	Doc      string
}

// Codes returns the table of diagnostic codes (syntax/* aside).
func Codes() []CodeInfo { return codes }

var codes = []CodeInfo{
	{CodeRootNotObject, SeverityError, "the top-level value is not an object"},
	{CodeUnknownKey, SeverityWarning, "a key no tool reads here (other tools may add keys, hence a warning); \"did you mean\" when one is close"},
	{CodeDuplicateKey, SeverityWarning, "the same key twice in one object: the last one wins"},
	{CodeWrongType, SeverityError, "a known key, or an entry of env, headers, args, scopes or options, with the wrong JSON type"},
	{CodeInvalidValue, SeverityError, "a value outside a closed set (an input's type)"},
	{CodeServerUnknownType, SeverityError, "\"type\" is not stdio, http or sse"},
	{CodeServerMissingTarget, SeverityError, "a server with neither \"command\" nor \"url\""},
	{CodeServerBothTargets, SeverityError, "\"command\" and \"url\" with no \"type\" to choose"},
	{CodeServerTypeMismatch, SeverityError, "\"type\" does not match the fields: stdio with url, http or sse with command"},
	{CodeServerIgnoredKey, SeverityWarning, "a key of another transport (headers on stdio, env on http): ignored"},
	{CodeServerEmptyCommand, SeverityError, "\"command\" is empty"},
	{CodeServerInvalidURL, SeverityError, "\"url\" does not parse, has no scheme or no host"},
	{CodeServerURLScheme, SeverityError, "\"url\" is not http:// or https://"},
	{CodeServerDuplicateName, SeverityError, "two servers with the same name (in one map or across mcpServers and servers)"},
	{CodeServerNegativeTimeout, SeverityError, "\"timeout\" below zero"},
	{CodeOAuthInvalidPort, SeverityError, "\"callbackPort\" is not a whole number from 0 to 65535"},
	{CodeInputUnknown, SeverityError, "${input:x} with no input x in \"inputs\""},
	{CodeInputNoValue, SeverityError, "Expand only: ${input:x} whose value Env.LookupInput does not know"},
	{CodeInputMissingID, SeverityError, "an input without \"id\""},
	{CodeInputDuplicateID, SeverityError, "two inputs with the same id"},
	{CodeInputMissingType, SeverityError, "an input without \"type\""},
	{CodeInputMissingOptions, SeverityError, "a pickString input without options, or with none"},
	{CodeInputDefaultNotOption, SeverityWarning, "a pickString default that is not one of its options"},
	{CodeInputUnused, SeverityHint, "an input that no ${input:...} of a server refers to"},
	{CodeEnvUnset, SeverityWarning, "${VAR} or ${env:VAR} unset in the server's environment (inherited, envFile, env) and without a default"},
	{CodeVarUnsupported, SeverityWarning, "a ${...} form mcpls does not expand (${command:x}, ${config:x}, ...): used as written"},
	{CodeVarMalformed, SeverityWarning, "\"${\" without \"}\", or an empty name"},
	{CodeEnvFileNotFound, SeverityError, "the envFile does not exist (relative paths are from the workspace folder)"},
	{CodeEnvFileUnreadable, SeverityError, "the envFile exists but cannot be read"},
	{CodeRequestMissingServer, SeverityError, "a request without \"server\""},
	{CodeRequestUnknownServer, SeverityError, "a request naming a server the file does not define"},
	{CodeRequestTargetCount, SeverityError, "a request without exactly one of tool, prompt and resource"},
	{CodeRequestDuplicateName, SeverityWarning, "two requests with the same name"},
	{CodeRequestPromptArgument, SeverityWarning, "a prompt request's argument that is not a string (MCP prompt arguments are strings)"},
}

// sortDiagnostics orders by position, then code, so output is stable.
func sortDiagnostics(ds []Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End < b.End
		}
		return a.Code < b.Code
	})
}

// closest returns the candidate closest to name if it is close enough to
// be a likely typo, else "".
func closest(name string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if c == name || d > maxTypo(name, c) {
			continue
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// didYouMean formats a suggestion for a message: ` (did you mean "x"?)`.
func didYouMean(best string) string {
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// maxTypo is how many edits still count as a typo of c.
func maxTypo(name, c string) int {
	n := min(len(name), len(c))
	switch {
	case n <= 3:
		return 1
	case n <= 6:
		return 2
	}
	return 3
}

// editDistance is the Levenshtein distance of a and b, by bytes; names are
// short, so the quadratic cost is fine, and it gives up early on long ones.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
