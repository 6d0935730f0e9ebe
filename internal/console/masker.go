package console

import (
	"sort"
	"strings"
	"sync"
)

// MinSecretLen is the shortest secret a [Masker] accepts. Shorter values
// would mask ordinary words and numbers all over the console.
const MinSecretLen = 6

// Masker remembers secret values learnt at run time, such as the tokens an
// auth flow obtains or a password typed into an input, and scrubs them from
// events. The zero Masker is ready to use and is safe for concurrent use.
//
// Rules by key and pattern ([RedactJSON], [RedactText]) catch secrets by
// where they sit; a Masker catches them by what they are, wherever they
// turn up: in an error message, an echoed argument, a server's stderr.
type Masker struct {
	mu sync.RWMutex
	// secrets is kept sorted longest first, so a secret that contains
	// another is masked whole.
	secrets []string
}

// Add registers secrets. Empty values, values shorter than [MinSecretLen]
// and values already known are ignored; so is a value that occurs in
// [Mask], which could never be scrubbed.
func (m *Masker) Add(secrets ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range secrets {
		if len(s) < MinSecretLen || strings.Contains(Mask, s) || contains(m.secrets, s) {
			continue
		}
		m.secrets = append(m.secrets, s)
	}
	sort.SliceStable(m.secrets, func(i, j int) bool { return len(m.secrets[i]) > len(m.secrets[j]) })
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Secrets returns a copy of the registered secrets, longest first.
func (m *Masker) Secrets() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]string(nil), m.secrets...)
}

// Scrub replaces every registered secret in s with [Mask].
func (m *Masker) Scrub(s string) string {
	return RedactString(s, m.Secrets()...)
}

// ScrubJSON redacts raw like [RedactJSON] and also scrubs every registered
// secret from its strings, keys and numbers. Valid input gives valid output.
func (m *Masker) ScrubJSON(raw []byte) []byte {
	return redactJSON(raw, m.Secrets())
}

// ScrubEvent scrubs registered secrets from every text field of e.
func (m *Masker) ScrubEvent(e Event) Event {
	secrets := m.Secrets()
	if len(secrets) == 0 {
		return e
	}
	e.Message = RedactString(e.Message, secrets...)
	e.Method = RedactString(e.Method, secrets...)
	e.ID = RedactString(e.ID, secrets...)
	if len(e.Data) > 0 && needsScrub(string(e.Data), secrets) {
		e.Data = redactJSON(e.Data, secrets)
	}
	return e
}

// needsScrub reports whether text holds a secret, literally or in a form
// JSON escaping could hide (any backslash).
func needsScrub(text string, secrets []string) bool {
	if strings.IndexByte(text, '\\') >= 0 {
		return true
	}
	for _, s := range secrets {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}

// Sink returns a [Sink] that scrubs registered secrets from each event,
// including secrets added after the call, and passes it to next.
func (m *Masker) Sink(next Sink) Sink {
	return SinkFunc(func(e Event) { next.Emit(m.ScrubEvent(e)) })
}
