// Tests of signin.ts: the sign-in notice and the URL as logged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loggableUrl, serverForUrl, signInNotice, signInServer } from '../src/signin';

describe('loggableUrl', () => {
    const cases: { name: string; in: string; want: string }[] = [
        {
            name: 'an authorize URL is kept whole',
            in: 'http://127.0.0.1:9/oauth/authorize?response_type=code&client_id=c1&state=s1&code_challenge=abc&code_challenge_method=S256',
            want: 'http://127.0.0.1:9/oauth/authorize?response_type=code&client_id=c1&state=s1&code_challenge=abc&code_challenge_method=S256',
        },
        { name: 'a token parameter is masked', in: 'https://a.example/x?access_token=eyJabc&state=1', want: 'https://a.example/x?access_token=***&state=1' },
        { name: 'a code is masked', in: 'http://127.0.0.1:5/cb?code=xyz&state=1', want: 'http://127.0.0.1:5/cb?code=***&state=1' },
        { name: 'a fragment is masked', in: 'https://a.example/x#access_token=eyJabc', want: 'https://a.example/x#***' },
        { name: 'credentials are dropped', in: 'https://u:p@a.example/', want: 'https://a.example/' },
        { name: 'garbage is not echoed', in: 'not a url eyJabc', want: '(an unparsable URL)' },
    ];
    for (const c of cases) {
        it(c.name, () => {
            assert.equal(loggableUrl(c.in), c.want);
        });
    }
});

describe('signInNotice', () => {
    it('names the server when known', () => {
        const n = signInNotice('secure', 'http://127.0.0.1:9/oauth/authorize?state=1');
        assert.equal(n.message, 'Signing in to secure: the browser was opened.');
        assert.equal(n.log, 'sign-in page opened in the browser: http://127.0.0.1:9/oauth/authorize?state=1');
    });
    it('names the host otherwise', () => {
        assert.equal(signInNotice(undefined, 'https://auth.example/a').message, 'Signing in to auth.example: the browser was opened.');
    });
});

describe('signInServer', () => {
    it('reads server from the argument', () => {
        assert.equal(signInServer({ uri: 'file:///a', server: 'secure' }), 'secure');
        assert.equal(signInServer({ uri: 'file:///a' }), undefined);
        assert.equal(signInServer(undefined), undefined);
        assert.equal(signInServer('secure'), undefined);
    });
});

describe('serverForUrl', () => {
    const servers = [
        { name: 'demo', state: 'connected', target: 'http://127.0.0.1:1/mcp' },
        { name: 'secure', state: 'needsAuth', target: 'http://127.0.0.1:2/mcp' },
        { name: 'other', state: 'needsAuth', target: 'http://127.0.0.1:3/mcp' },
    ];
    const cases: { name: string; url: string; list: typeof servers; fallback?: string; want: string | undefined }[] = [
        { name: 'by resource', url: 'http://127.0.0.1:9/oauth/authorize?resource=http%3A%2F%2F127.0.0.1%3A2%2Fmcp', list: servers, want: 'secure' },
        { name: 'the only one waiting', url: 'http://127.0.0.1:9/oauth/authorize', list: servers.slice(0, 2), want: 'secure' },
        { name: 'ambiguous: the fallback', url: 'http://127.0.0.1:9/oauth/authorize', list: servers, fallback: 'other', want: 'other' },
        { name: 'nothing known', url: 'nonsense', list: [], want: undefined },
    ];
    for (const c of cases) {
        it(c.name, () => {
            assert.equal(serverForUrl(c.url, c.list, 'needsAuth', c.fallback), c.want);
        });
    }
});
