package console

import (
	"bytes"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// Mask replaces a secret in JSON values, headers and free text.
const Mask = "«redacted»"

// URLMask replaces a secret in a URL. It differs from [Mask] so that a
// redacted URL stays a valid URL, with nothing to percent-encode.
const URLMask = "REDACTED"

// normKey folds a key or parameter name for comparison: lower case, with
// '-', '_' and '.' dropped, so "Access-Token", "access_token" and
// "accessToken" are one name.
func normKey(k string) string {
	var buf [64]byte
	return string(appendNorm(buf[:0], k))
}

// appendNorm appends the folded form of k to dst; with a stack buffer as
// dst, folding does not allocate.
func appendNorm(dst []byte, k string) []byte {
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '-' || c == '_' || c == '.':
		case 'A' <= c && c <= 'Z':
			dst = append(dst, c+'a'-'A')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// secretKeys are JSON keys (normalized) whose values are always secret.
var secretKeys = map[string]bool{
	"authorization": true, "proxyauthorization": true, "cookie": true, "setcookie": true,
	"token": true, "password": true, "passwd": true, "passphrase": true, "secret": true,
	"apikey": true, "xapikey": true, "codeverifier": true, "privatekey": true,
	"clientassertion": true, "assertion": true, "credential": true, "credentials": true,
}

// publicTokenKeys end in "token" but hold no secret: MCP progress tokens and
// pagination cursors are what one reads a console for.
var publicTokenKeys = map[string]bool{
	"progresstoken": true, "nextpagetoken": true, "pagetoken": true, "nexttoken": true,
	"tokentype": true, "tokenendpoint": true, "revocationendpoint": true,
}

// IsSecretKey reports whether a JSON key or header name holds a secret:
// the names listed in the package doc, and any name ending in "token",
// "secret", "password" or "apikey" except well-known public ones
// (progressToken, token_type...).
func IsSecretKey(key string) bool {
	var buf [64]byte
	return isSecretNorm(appendNorm(buf[:0], key))
}

// secretKeySuffixes make any key that ends with them secret.
var secretKeySuffixes = [][]byte{[]byte("token"), []byte("secret"), []byte("password"),
	[]byte("apikey"), []byte("accesskey"), []byte("sessionkey")}

// isSecretNorm is IsSecretKey for a folded key.
func isSecretNorm(k []byte) bool {
	if secretKeys[string(k)] {
		return true
	}
	if publicTokenKeys[string(k)] {
		return false
	}
	for _, suffix := range secretKeySuffixes {
		if bytes.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}

// secretParams are URL query parameters (normalized) whose values are secret.
var secretParams = map[string]bool{
	"token": true, "key": true, "apikey": true, "secret": true, "sig": true,
	"signature": true, "password": true, "passwd": true, "pwd": true, "code": true,
	"codeverifier": true, "auth": true, "authorization": true, "xamzsignature": true,
	"xamzcredential": true, "xamzsecuritytoken": true, "xgoogsignature": true,
	"xgooglecredential": true, "assertion": true, "clientassertion": true,
	"sessiontoken": true,
}

// isSecretParam reports whether a query parameter carries a secret.
func isSecretParam(name string) bool {
	k := normKey(name)
	if secretParams[k] {
		return true
	}
	return !publicTokenKeys[k] && (strings.HasSuffix(k, "token") || strings.HasSuffix(k, "secret") ||
		strings.HasSuffix(k, "password") || strings.HasSuffix(k, "apikey") || strings.HasSuffix(k, "signature"))
}

// RedactURL masks the secrets in a URL: the values of secret-looking query
// and fragment parameters (token, access_token, key, api_key, secret, sig,
// password, code...) and the password of its userinfo become [URLMask].
// It works on the text, so a URL it cannot parse is still redacted and
// everything else is kept byte for byte.
func RedactURL(raw string) string {
	rest, fragment, hasFragment := strings.Cut(raw, "#")
	base, query, hasQuery := strings.Cut(rest, "?")
	var b strings.Builder
	b.Grow(len(raw))
	b.WriteString(redactUserinfo(base))
	if hasQuery {
		b.WriteByte('?')
		b.WriteString(redactQuery(query))
	}
	if hasFragment {
		b.WriteByte('#')
		if strings.Contains(fragment, "=") {
			fragment = redactQuery(fragment)
		}
		b.WriteString(fragment)
	}
	return b.String()
}

// redactUserinfo masks the password in "scheme://user:password@host/path".
func redactUserinfo(base string) string {
	i := strings.Index(base, "://")
	if i < 0 {
		return base
	}
	authority := base[i+3:]
	if j := strings.IndexByte(authority, '/'); j >= 0 {
		authority = authority[:j]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return base
	}
	user, _, hasPassword := strings.Cut(authority[:at], ":")
	if !hasPassword {
		return base
	}
	return base[:i+3] + user + ":" + URLMask + base[i+3+at:]
}

// redactQuery masks secret parameters in "a=1&token=x", keeping order and
// encoding of everything else.
func redactQuery(query string) string {
	parts := strings.Split(query, "&")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if hasValue && isSecretParam(unescapeLoose(name)) {
			parts[i] = name + "=" + URLMask
		}
	}
	return strings.Join(parts, "&")
}

// unescapeLoose decodes %XX and '+' where it can, and leaves the rest.
func unescapeLoose(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+':
			b.WriteByte(' ')
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// secretHeaders are header names (normalized) whose values are secret.
var secretHeaders = map[string]bool{
	"authorization": true, "proxyauthorization": true, "cookie": true, "setcookie": true,
	"xapikey": true, "apikey": true, "xauthtoken": true, "xaccesstoken": true,
	"xamzsecuritytoken": true, "xgoogapikey": true, "privatetoken": true,
}

// IsSecretHeader reports whether a header's value is secret: Authorization,
// Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, and any name that
// contains "token", "secret", "password", "apikey" or "api-key".
func IsSecretHeader(name string) bool {
	k := normKey(name)
	if secretHeaders[k] {
		return true
	}
	for _, part := range []string{"token", "secret", "password", "apikey", "credential", "signature"} {
		if strings.Contains(k, part) {
			return true
		}
	}
	return false
}

// RedactHeaders returns a copy of h with secret values masked (see
// [IsSecretHeader]). An Authorization value keeps its scheme
// ("Bearer «redacted»") because which scheme was sent is worth seeing.
// Location and Referer URLs go through [RedactURL].
func RedactHeaders(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for name, values := range h {
		masked := make([]string, len(values))
		for i, v := range values {
			masked[i] = redactHeaderValue(name, v)
		}
		out[name] = masked
	}
	return out
}

func redactHeaderValue(name, v string) string {
	k := normKey(name)
	switch {
	case k == "authorization" || k == "proxyauthorization":
		if scheme, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok {
			return scheme + " " + Mask
		}
		return Mask
	case IsSecretHeader(name):
		return Mask
	case k == "location" || k == "referer" || k == "contentlocation":
		return RedactURL(v)
	}
	return v
}

// RedactString replaces every occurrence of each non-empty secret in s with
// [Mask]. Longer secrets are replaced first, so a secret that contains
// another is masked whole.
func RedactString(s string, secrets ...string) string {
	if len(secrets) == 0 || s == "" {
		return s
	}
	ordered := append([]string(nil), secrets...)
	sort.Slice(ordered, func(i, j int) bool { return len(ordered[i]) > len(ordered[j]) })
	for _, secret := range ordered {
		if secret != "" && strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, Mask)
		}
	}
	return s
}

var (
	// urlPattern finds URLs inside free text.
	urlPattern = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.\-]*://[^\s"'<>` + "`" + `]+`)
	// authPattern finds credentials after an auth scheme in free text; the
	// length floor keeps "Bearer token expired" readable.
	authPattern = regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)[A-Za-z0-9\-._~+/]{12,}=*`)
	// assignPattern finds "token=xyz", "password: xyz" and, in JSON quoted
	// in text, "access_token": "xyz".
	assignPattern = regexp.MustCompile(`(?i)\b([A-Za-z_\-]*(?:token|secret|password|passwd|api[_\-]?key))("?\s*[=:]\s*)("?)([^\s"&,;]+)`)
)

// RedactText masks what looks secret in a free-text line, such as a stdio
// server's stderr or an error message: URLs (by [RedactURL]), credentials
// after "Bearer"/"Basic", and "token=...", "password: ..." assignments.
func RedactText(s string) string {
	if strings.Contains(s, "://") {
		s = urlPattern.ReplaceAllStringFunc(s, RedactURL)
	}
	if mayHaveAuth(s) {
		s = authPattern.ReplaceAllString(s, "${1}${2}"+Mask)
	}
	if !mayHaveAssign(s) {
		return s
	}
	return assignPattern.ReplaceAllStringFunc(s, func(m string) string {
		sub := assignPattern.FindStringSubmatch(m)
		if publicTokenKeys[normKey(sub[1])] || sub[4] == URLMask {
			return m
		}
		return sub[1] + sub[2] + sub[3] + Mask
	})
}

// The cheap checks below let RedactText and RedactJSON skip the regular
// expressions on text that cannot match them, which is nearly all text.

// mayNeedText reports whether RedactText could change text.
func mayNeedText(text []byte) bool {
	s := string(text)
	return strings.Contains(s, "://") || mayHaveAuth(s) || mayHaveAssign(s)
}

func mayHaveAuth(s string) bool {
	return containsFold(s, "bearer") || containsFold(s, "basic")
}

func mayHaveAssign(s string) bool {
	return strings.ContainsAny(s, "=:") && (containsFold(s, "token") || containsFold(s, "secret") ||
		containsFold(s, "passw") || containsFold(s, "key"))
}

// containsFold reports whether s contains word, which must be lower-case
// ASCII letters, in any case, without allocating.
func containsFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		j := 0
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}
