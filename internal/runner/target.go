package runner

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"unicode"

	"mcpls/internal/cache"
	"mcpls/internal/config"
	"mcpls/internal/mcp"
)

// InputEnvPrefix starts the environment variables that answer ${input:id}
// when no one can be asked: MCPLS_INPUT_<ID>.
const InputEnvPrefix = "MCPLS_INPUT_"

// InputEnvName is the environment variable that answers ${input:id}
// headlessly: the id upper-cased, every character that is not a letter or
// digit replaced by '_' ("gh-secret" -> MCPLS_INPUT_GH_SECRET).
func InputEnvName(id string) string {
	var b strings.Builder
	b.WriteString(InputEnvPrefix)
	for _, r := range id {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// EnvInputs returns a config.Env.LookupInput that answers ${input:id} from
// the variable InputEnvName(id) of lookupEnv (os.LookupEnv in the CLI).
func EnvInputs(lookupEnv func(string) (string, bool)) func(id string) (string, bool) {
	return func(id string) (string, bool) {
		if lookupEnv == nil {
			return "", false
		}
		return lookupEnv(InputEnvName(id))
	}
}

// ErrInputMissing is matched by a *MissingInputError.
var ErrInputMissing = errors.New("input has no value")

// MissingInputError says which inputs a server needs that have no value.
type MissingInputError struct {
	Server string
	IDs    []string
	// Descriptions of the inputs, by id, when the config gives one.
	Descriptions map[string]string
}

func (e *MissingInputError) Error() string {
	parts := make([]string, len(e.IDs))
	for i, id := range e.IDs {
		parts[i] = fmt.Sprintf("%q", id)
		if d := e.Descriptions[id]; d != "" {
			parts[i] += " (" + d + ")"
		}
		parts[i] += " has no value: set " + InputEnvName(id)
	}
	return fmt.Sprintf("server %q needs input %s", e.Server, strings.Join(parts, "; input "))
}

// Is matches ErrInputMissing.
func (e *MissingInputError) Is(target error) bool { return target == ErrInputMissing }

// TargetFor expands server s of file f with env and converts it to the
// target internal/mcp connects to. It fails when an input has no value (a
// *MissingInputError) or when an expansion problem of severity error
// remains; warnings (an unset variable with no default) do not stop it.
// The child of a stdio server inherits this process's environment with
// the config's env and envFile on top.
func TargetFor(f *config.File, s *config.Server, env config.Env) (mcp.Target, error) {
	ct, diags := s.Expand(env)
	if err := expandError(f, s, env, diags); err != nil {
		return mcp.Target{}, err
	}
	t := mcp.Target{
		Name:    ct.Name,
		Command: ct.Command,
		Args:    ct.Args,
		Dir:     ct.Cwd,
		URL:     ct.URL,
		Headers: ct.Headers,
		Timeout: ct.Timeout,
	}
	switch ct.Transport {
	case config.TransportStdio:
		t.Transport = mcp.TransportStdio
		t.Env = childEnv(ct.Env)
		if t.Command == "" {
			return mcp.Target{}, fmt.Errorf("server %q: \"command\" is empty", s.Name)
		}
	case config.TransportHTTP, config.TransportSSE:
		t.Transport = mcp.Transport(ct.Transport)
		if t.URL == "" {
			return mcp.Target{}, fmt.Errorf("server %q: \"url\" is empty", s.Name)
		}
	default:
		return mcp.Target{}, fmt.Errorf("server %q: cannot tell how to connect: set \"command\" (stdio) or \"url\" (http)", s.Name)
	}
	return detach(t), nil
}

// detach copies every string of t. Strings of a loaded config share the
// memory of its whole text; a Target outlives that text (a connection,
// a cache key), and must not keep each version of a large file alive.
func detach(t mcp.Target) mcp.Target {
	t.Name, t.Command, t.Dir, t.URL = strings.Clone(t.Name), strings.Clone(t.Command), strings.Clone(t.Dir), strings.Clone(t.URL)
	t.Args = cloneStrings(t.Args)
	t.Env = cloneStrings(t.Env)
	if t.Headers != nil {
		h := make(map[string]string, len(t.Headers))
		for k, v := range t.Headers {
			h[strings.Clone(k)] = strings.Clone(v)
		}
		t.Headers = h
	}
	return t
}

func cloneStrings(list []string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.Clone(s)
	}
	return out
}

// expandError turns the error diagnostics of an expansion into one error;
// inputs without a value are reported together, naming their variables.
func expandError(f *config.File, s *config.Server, env config.Env, diags []config.Diagnostic) error {
	var others []string
	for _, d := range diags {
		if d.Severity == config.SeverityError && d.Code != config.CodeInputNoValue {
			others = append(others, d.Message)
		}
	}
	if len(others) > 0 {
		return fmt.Errorf("expanding server %q: %s", s.Name, strings.Join(others, "; "))
	}
	missing := &MissingInputError{Server: s.Name, Descriptions: map[string]string{}}
	for _, id := range s.InputIDs() {
		in := f.Input(id)
		if in == nil {
			continue
		}
		if env.LookupInput != nil {
			if _, ok := env.LookupInput(id); ok {
				continue
			}
		}
		missing.IDs = append(missing.IDs, id)
		missing.Descriptions[id] = in.Description.Value
	}
	if len(missing.IDs) > 0 {
		return missing
	}
	return nil
}

// childEnv is this process's environment with extra on top; nil (inherit)
// when there is nothing extra.
func childEnv(extra map[string]string) []string {
	if len(extra) == 0 {
		return nil
	}
	env := make([]string, 0, len(extra))
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if _, over := extra[name]; !over {
			env = append(env, kv)
		}
	}
	names := make([]string, 0, len(extra))
	for name := range extra {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		env = append(env, name+"="+extra[name])
	}
	return env
}

// CacheKey is the identity under which a target's catalog is cached: its
// name and its URL or command line (redacted by the cache).
func CacheKey(t mcp.Target) cache.Key {
	if t.Transport == mcp.TransportStdio || (t.Transport == "" && t.URL == "") {
		return cache.Key{Name: t.Name, Target: cache.CommandTarget(t.Command, t.Args)}
	}
	return cache.Key{Name: t.Name, Target: cache.URLTarget(t.URL)}
}
