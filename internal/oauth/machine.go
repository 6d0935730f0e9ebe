package oauth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"
)

// Grant and token type URNs of the machine flows.
const (
	grantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	grantJWTBearer     = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	tokenTypeIDToken   = "urn:ietf:params:oauth:token-type:id_token"
	tokenTypeIDJAG     = "urn:ietf:params:oauth:token-type:id-jag"
)

// clientCredentials runs the client_credentials grant, authenticating
// with private_key_jwt when a key is configured, else with the secret.
func (a *Authorizer) clientCredentials(ctx context.Context, md *ServerMetadata, resource string, scopes []string) (*Record, error) {
	cc := a.cfg.ClientCredentials
	c := &clientInfo{id: cc.ClientID, secret: cc.ClientSecret, key: cc.PrivateKeyPEM, method: pickMethod(md, true)}
	if cc.PrivateKeyPEM != "" {
		c.method, c.secret = authJWT, ""
	}
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {resource}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	return a.grant(ctx, md, c, form, resource, scopes)
}

// enterprise runs SEP-990: the user's ID token is exchanged at the IdP for
// an identity assertion grant (ID-JAG, RFC 8693), which the authorization
// server trades for an access token (JWT bearer grant, RFC 7523).
func (a *Authorizer) enterprise(ctx context.Context, md *ServerMetadata, resource string, scopes []string) (*Record, error) {
	e := a.cfg.Enterprise
	if e.IDToken == nil {
		return nil, errors.New("enterprise sign-in: no ID token source")
	}
	idToken, err := e.IDToken(ctx)
	if err != nil {
		return nil, fmt.Errorf("enterprise sign-in: getting the ID token: %w", err)
	}
	a.masker.Add(idToken)
	form := url.Values{"grant_type": {grantTokenExchange}, "requested_token_type": {tokenTypeIDJAG},
		"subject_token": {idToken}, "subject_token_type": {tokenTypeIDToken},
		"audience": {md.Issuer}, "resource": {resource}}
	if e.IDPClientID != "" {
		form.Set("client_id", e.IDPClientID)
	}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	a.step("exchanging the ID token at %s for an identity assertion grant", e.IDPTokenEndpoint)
	jag, err := a.tokenRequest(ctx, e.IDPTokenEndpoint, "", nil, form)
	if err != nil {
		return nil, fmt.Errorf("enterprise sign-in: %w", err)
	}
	c := &clientInfo{id: e.ClientID, secret: e.ClientSecret, method: pickMethod(md, e.ClientSecret != "")}
	form = url.Values{"grant_type": {grantJWTBearer}, "assertion": {jag.AccessToken}, "resource": {resource}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	return a.grant(ctx, md, c, form, resource, scopes)
}

// clientAssertion signs the private_key_jwt assertion (RFC 7523 §2.2):
// iss and sub are the client, aud the authorization server's issuer.
func clientAssertion(clientID, audience, keyPEM string, now time.Time) (string, error) {
	key, err := parseKey(keyPEM)
	if err != nil {
		return "", err
	}
	alg := "RS256"
	if _, ok := key.(*ecdsa.PrivateKey); ok {
		alg = "ES256"
	}
	header, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{"iss": clientID, "sub": clientID, "aud": audience,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "jti": randomString(16)})
	signing := b64(header) + "." + b64(claims)
	sig, err := sign(key, signing)
	if err != nil {
		return "", fmt.Errorf("signing the client assertion: %w", err)
	}
	return signing + "." + b64(sig), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// parseKey reads a PKCS#8 (or SEC 1 / PKCS#1) PEM private key.
func parseKey(keyPEM string) (crypto.Signer, error) {
	block, _ := pem.Decode([]byte(keyPEM))
	if block == nil {
		return nil, errors.New("the private key is not PEM")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	return nil, errors.New("the private key is neither PKCS#8, SEC 1 nor PKCS#1")
}

// sign makes a JWS signature: ES256 as r||s, RS256 as PKCS#1 v1.5.
func sign(key crypto.Signer, input string) ([]byte, error) {
	sum := sha256.Sum256([]byte(input))
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, sum[:])
		if err != nil {
			return nil, err
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		return append(pad(r, size), pad(s, size)...), nil
	case *rsa.PrivateKey:
		return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	}
	return nil, fmt.Errorf("unsupported key type %T", key)
}

func pad(n *big.Int, size int) []byte {
	b := n.Bytes()
	out := make([]byte, size)
	copy(out[size-len(b):], b)
	return out
}
