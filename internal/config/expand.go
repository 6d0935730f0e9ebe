package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"
)

// Env is what expansion and checks take from outside the file. The zero
// Env means: no environment, no readable files, no workspace folder given.
type Env struct {
	// LookupEnv is the environment servers inherit (nil = none set).
	LookupEnv func(name string) (string, bool)
	// ReadFile reads an envFile (nil = every envFile is missing).
	ReadFile func(path string) ([]byte, error)
	// WorkspaceFolder is the folder for ${workspaceFolder} and relative
	// envFile and cwd paths; empty means File.WorkspaceFolder().
	WorkspaceFolder string
	UserHome        string
	// LookupInput gives the value of ${input:id} (Expand only; Check only
	// needs the input to be declared). nil = no input has a value yet.
	LookupInput func(id string) (string, bool)
}

// Target is a server with every variable expanded: what a client connects
// to. Env holds only what the config adds (envFile, then env on top); the
// process environment is inherited separately.
type Target struct {
	Name      string
	Transport string // stdio, http or sse
	Command   string
	Args      []string
	Env       map[string]string
	Cwd       string // absolute when the workspace folder is; never empty when one is known
	URL       string
	Headers   map[string]string
	OAuth     *OAuthTarget  // nil when the server has no oauth object
	Timeout   time.Duration // 0 = the client's default
}

// OAuthTarget is a server's oauth object, expanded.
type OAuthTarget struct {
	ClientID     string
	ClientSecret string
	Scopes       []string
	CallbackPort int
}

// Expand expands the variables in every string field of the server and
// returns the values with the problems found (unset variables, unknown or
// unanswered inputs, a missing envFile), each at its range in the document.
// A problem of severity error means the target is not usable as is.
func (s *Server) Expand(env Env) (Target, []Diagnostic) {
	r := newResolver(s.file, env, false)
	r.server(s)
	t := Target{
		Name:      s.Name,
		Transport: s.Transport,
		Command:   r.expand(s.Command),
		Args:      r.expandAll(s.Args),
		Env:       r.envMap(s),
		Cwd:       r.path(s.Cwd),
		URL:       r.expand(s.URL),
		Headers:   r.pairs(s.Headers),
	}
	if t.Cwd == "" && t.Transport == TransportStdio {
		t.Cwd = r.ws
	}
	if s.OAuth != nil {
		t.OAuth = &OAuthTarget{
			ClientID:     r.expand(s.OAuth.ClientID),
			ClientSecret: r.expand(s.OAuth.ClientSecret),
			Scopes:       r.expandAll(s.OAuth.Scopes),
			CallbackPort: int(s.OAuth.CallbackPort.Value),
		}
	}
	if s.Timeout.Set && s.Timeout.Value > 0 {
		t.Timeout = time.Duration(s.Timeout.Value * float64(time.Second))
	}
	sortDiagnostics(r.diags)
	return t, r.diags
}

// InputIDs returns the ids of the inputs the server's fields refer to, in
// order of first use, so a client can ask for their values before Expand.
func (s *Server) InputIDs() []string {
	var ids []string
	seen := map[string]bool{}
	s.eachString(func(v String) {
		for _, x := range Vars(s.file.Doc.Text, v.Node) {
			if x.Kind == VarInput && !seen[x.Name] {
				seen[x.Name] = true
				ids = append(ids, x.Name)
			}
		}
	})
	return ids
}

// eachString calls fn on every string field that variables may appear in.
func (s *Server) eachString(fn func(String)) {
	fn(s.Command)
	for _, a := range s.Args {
		fn(a)
	}
	for _, p := range s.Env {
		fn(p.Value)
	}
	fn(s.EnvFile)
	fn(s.Cwd)
	fn(s.URL)
	for _, p := range s.Headers {
		fn(p.Value)
	}
	if o := s.OAuth; o != nil {
		fn(o.ClientID)
		fn(o.ClientSecret)
		for _, sc := range o.Scopes {
			fn(sc)
		}
	}
}

// resolver expands the strings of one server and collects the problems.
type resolver struct {
	f     *File
	env   Env
	ws    string
	check bool // Check mode: an input only needs to be declared
	// fileEnv is the server's envFile; localEnv its env entries.
	fileEnv, localEnv map[string]string
	localRaw          map[string]*String // env entries not expanded yet
	inputsUsed        map[string]bool
	diags             []Diagnostic
	// unresolved is set when a reference expanded to nothing for want of
	// a value (an unset variable, no home or workspace folder known).
	unresolved bool
}

func newResolver(f *File, env Env, check bool) *resolver {
	ws := env.WorkspaceFolder
	if ws == "" {
		ws = f.WorkspaceFolder()
	}
	return &resolver{f: f, env: env, ws: ws, check: check}
}

// server prepares the environment of s: its envFile, then its env
// entries, expanded on first use so that one entry may refer to another
// ("${PATH}" inside PATH means the inherited one).
func (r *resolver) server(s *Server) {
	r.fileEnv, r.localEnv, r.localRaw = nil, nil, nil
	r.loadEnvFile(s)
	if len(s.Env) == 0 {
		return
	}
	r.localRaw = make(map[string]*String, len(s.Env))
	r.localEnv = make(map[string]string, len(s.Env))
	for i := range s.Env {
		if s.Env[i].Value.Set {
			r.localRaw[s.Env[i].Name] = &s.Env[i].Value
		}
	}
	for _, p := range s.Env {
		r.lookupLocal(p.Name)
	}
}

// lookupLocal expands the env entry name once; an entry met again while
// it is being expanded is left to envFile and the inherited environment.
func (r *resolver) lookupLocal(name string) (string, bool) {
	if v, ok := r.localEnv[name]; ok {
		return v, true
	}
	raw, ok := r.localRaw[name]
	if !ok {
		return "", false
	}
	delete(r.localRaw, name)
	v := r.expand(*raw)
	r.localEnv[name] = v
	return v, true
}

// loadEnvFile reads the server's envFile, if any, reporting when it cannot.
func (r *resolver) loadEnvFile(s *Server) {
	if !s.EnvFile.Set {
		return
	}
	path := r.envFilePath(s)
	if path == "" {
		return // unknown: the variables in it say why
	}
	var err error = fs.ErrNotExist
	var data []byte
	if r.env.ReadFile != nil {
		data, err = r.env.ReadFile(path)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.report(s.EnvFile.Range, SeverityError, CodeEnvFileNotFound, fmt.Sprintf("envFile %s not found", path))
	case err != nil:
		r.report(s.EnvFile.Range, SeverityError, CodeEnvFileUnreadable, fmt.Sprintf("envFile %s cannot be read: %v", path, unwrapPathError(err)))
	default:
		r.fileEnv = ParseEnvFile(data)
	}
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// envFilePath is where the server's envFile is, as far as it can be told
// without an environment.
func (r *resolver) envFilePath(s *Server) string {
	if !s.EnvFile.Set {
		return ""
	}
	r.unresolved = false
	p := r.path(s.EnvFile)
	if r.unresolved {
		return ""
	}
	return p
}

// path expands a path-valued field: "~/" is the user's home, and a
// relative path is taken from the workspace folder.
func (r *resolver) path(s String) string {
	p := r.expand(s)
	if p == "" {
		return ""
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		r.unresolved = r.unresolved || r.env.UserHome == ""
		p = filepath.Join(r.env.UserHome, rest)
	}
	if !filepath.IsAbs(p) && r.ws != "" {
		p = filepath.Join(r.ws, p)
	}
	return filepath.Clean(p)
}

func (r *resolver) expandAll(list []String) []string {
	if list == nil {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s.Set {
			out = append(out, r.expand(s))
		}
	}
	return out
}

func (r *resolver) pairs(ps []Pair) map[string]string {
	if ps == nil {
		return nil
	}
	out := make(map[string]string, len(ps))
	for _, p := range ps {
		if p.Value.Set {
			out[p.Name] = r.expand(p.Value)
		}
	}
	return out
}

// envMap is what the config adds to the environment: envFile, then env.
func (r *resolver) envMap(s *Server) map[string]string {
	if r.fileEnv == nil && r.localEnv == nil {
		return nil
	}
	out := make(map[string]string, len(r.fileEnv)+len(r.localEnv))
	for k, v := range r.fileEnv {
		out[k] = v
	}
	for _, p := range s.Env {
		if p.Value.Set {
			out[p.Name] = r.localEnv[p.Name]
		}
	}
	return out
}

// expand returns the value of a string field with its references replaced.
func (r *resolver) expand(s String) string {
	if !s.Set {
		return ""
	}
	decoded, vars := scanString(r.f.Doc.Text, s.Node)
	if len(vars) == 0 {
		return decoded
	}
	var b strings.Builder
	last := 0
	for _, v := range vars {
		b.WriteString(decoded[last:v.from])
		b.WriteString(r.value(v, decoded[v.from:v.to]))
		last = v.to
	}
	b.WriteString(decoded[last:])
	return b.String()
}

// value is what one reference expands to; literal is its source form.
func (r *resolver) value(v Var, literal string) string {
	rng := Range{v.Start, v.End}
	switch v.Kind {
	case VarEnv:
		val, ok := r.lookup(v.Name)
		if v.HasDefault && (!ok || val == "") {
			return v.Default
		}
		if !ok {
			r.unresolved = true
			r.report(rng, SeverityWarning, CodeEnvUnset, fmt.Sprintf("environment variable %s is not set (in the environment, env or envFile) and has no default", v.Name))
		}
		return val
	case VarInput:
		return r.input(v, rng)
	case VarWorkspaceFolder:
		r.unresolved = r.unresolved || r.ws == ""
		return r.ws
	case VarWorkspaceFolderBasename:
		if r.ws == "" {
			r.unresolved = true
			return ""
		}
		return filepath.Base(r.ws)
	case VarUserHome:
		r.unresolved = r.unresolved || r.env.UserHome == ""
		return r.env.UserHome
	case VarPathSeparator:
		return string(filepath.Separator)
	case VarUnsupported:
		r.report(rng, SeverityWarning, CodeVarUnsupported, fmt.Sprintf("mcpls does not expand %s; it is used as written", literal))
	case VarMalformed:
		r.report(rng, SeverityWarning, CodeVarMalformed, fmt.Sprintf("malformed variable %s: write ${NAME}, ${env:NAME} or ${input:id}", literal))
	}
	return literal
}

func (r *resolver) input(v Var, rng Range) string {
	if r.inputsUsed != nil {
		r.inputsUsed[v.Name] = true
	}
	if r.f.Input(v.Name) == nil {
		best := closest(v.Name, r.inputIDs())
		r.report(rng, SeverityError, CodeInputUnknown, fmt.Sprintf("no input with id %q in \"inputs\"", v.Name)+didYouMean(best))
		if best != "" {
			r.diags[len(r.diags)-1].Fix = "${input:" + best + "}"
		}
		return ""
	}
	if r.check {
		return ""
	}
	if r.env.LookupInput != nil {
		if val, ok := r.env.LookupInput(v.Name); ok {
			return val
		}
	}
	r.report(rng, SeverityError, CodeInputNoValue, fmt.Sprintf("input %q has no value yet", v.Name))
	return ""
}

func (r *resolver) inputIDs() []string {
	ids := make([]string, 0, len(r.f.Inputs))
	for _, in := range r.f.Inputs {
		if in.ID.Set {
			ids = append(ids, in.ID.Value)
		}
	}
	return ids
}

// lookup finds a variable in the server's environment: env entries, then
// envFile, then the inherited environment.
func (r *resolver) lookup(name string) (string, bool) {
	if v, ok := r.lookupLocal(name); ok {
		return v, true
	}
	if v, ok := r.fileEnv[name]; ok {
		return v, true
	}
	if r.env.LookupEnv != nil {
		return r.env.LookupEnv(name)
	}
	return "", false
}

func (r *resolver) report(rng Range, sev Severity, code, msg string) {
	r.diags = append(r.diags, Diagnostic{Start: rng.Start, End: rng.End, Severity: sev, Code: code, Message: msg})
}
