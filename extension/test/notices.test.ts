// Tests of notices.ts: sign-in notices close once their server connects,
// replace or yield to each other, and carry their actions as links.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { states } from '../src/lsp_ext';
import { noticeText, PICK_COMMAND, serverKey, serversNamed, SignInNotices } from '../src/notices';

const A = 'file:///w/.mcp.json';
const B = 'file:///w/auth.mcp.json';

/** The answer of a notice if it came already, else 'pending'. */
async function settled(p: Promise<string | undefined>): Promise<string | undefined> {
    return Promise.race([p, new Promise<string>((resolve) => { setImmediate(() => { resolve('pending'); }); })]);
}

describe('SignInNotices', () => {
    const cases: { name: string; updates: { uri: string; name: string; state: string }[]; want: string | undefined }[] = [
        { name: 'the server connecting closes it', updates: [{ uri: B, name: 'secure', state: states.connected }], want: undefined },
        { name: 'still needing sign-in keeps it', updates: [{ uri: B, name: 'secure', state: states.needsAuth }], want: 'pending' },
        { name: 'connecting keeps it', updates: [{ uri: B, name: 'secure', state: states.connecting }], want: 'pending' },
        { name: 'another server connecting keeps it', updates: [{ uri: A, name: 'demo', state: states.connected }], want: 'pending' },
        { name: 'the same name in another file keeps it', updates: [{ uri: A, name: 'secure', state: states.connected }], want: 'pending' },
        {
            name: 'sign-in then connected closes it',
            updates: [{ uri: B, name: 'secure', state: states.connecting }, { uri: B, name: 'secure', state: states.connected }],
            want: undefined,
        },
    ];
    for (const c of cases) {
        it(c.name, async () => {
            const notices = new SignInNotices(states.connected);
            const n = notices.add([serverKey(B, 'secure')], 'server');
            assert.ok(n);
            for (const u of c.updates) {
                notices.update(u);
            }
            assert.equal(await settled(n.answer), c.want);
            assert.equal(notices.size, c.want === 'pending' ? 1 : 0);
        });
    }

    it('answers with the link picked, once', async () => {
        const notices = new SignInNotices(states.connected);
        const n = notices.add([serverKey(B, 'secure')], 'server');
        assert.ok(n);
        notices.answer(n.id, 'Use a token');
        notices.answer(n.id, 'Sign in');
        notices.update({ uri: B, name: 'secure', state: states.connected });
        assert.equal(await n.answer, 'Use a token');
        assert.equal(notices.size, 0);
    });

    it("the server's offer replaces the extension's, which then yields", async () => {
        const notices = new SignInNotices(states.connected);
        const key = serverKey(B, 'secure');
        const ext = notices.add([key], 'extension');
        assert.ok(ext);
        const srv = notices.add([key], 'server');
        assert.ok(srv);
        assert.equal(await settled(ext.answer), undefined);
        assert.equal(notices.add([key], 'extension'), undefined);
        assert.equal(await settled(srv.answer), 'pending');
        assert.equal(notices.size, 1);
    });

    it('a browser notice replaces the previous one and lives beside the offer', async () => {
        const notices = new SignInNotices(states.connected);
        const key = serverKey(B, 'secure');
        const offer = notices.add([key], 'server');
        const first = notices.add([key], 'browser');
        const second = notices.add([key], 'browser');
        assert.ok(offer && first && second);
        assert.equal(await settled(first.answer), undefined);
        assert.equal(notices.size, 2);
        notices.update({ uri: B, name: 'secure', state: states.connected });
        assert.equal(await settled(offer.answer), undefined);
        assert.equal(await settled(second.answer), undefined);
        assert.equal(notices.size, 0);
    });

    it('clear answers every notice', async () => {
        const notices = new SignInNotices(states.connected);
        const n = notices.add([], 'browser');
        assert.ok(n);
        notices.clear();
        assert.equal(await settled(n.answer), undefined);
    });
});

describe('serversNamed', () => {
    const servers = [{ uri: A, name: 'demo' }, { uri: B, name: 'secure' }, { uri: A, name: 'secure' }, { uri: A, name: 'secure api' }];
    const cases: { name: string; message: string; want: string[] }[] = [
        { name: 'the server that starts the message', message: 'demo needs sign-in at auth.example.', want: [serverKey(A, 'demo')] },
        { name: 'the same name in two files', message: 'secure needs sign-in at 127.0.0.1:9.', want: [serverKey(B, 'secure'), serverKey(A, 'secure')] },
        { name: 'the longest name', message: 'secure api refused the Authorization header in its config', want: [serverKey(A, 'secure api')] },
        { name: 'none', message: 'Sign in to demo: open http://x', want: [] },
        { name: 'a prefix of a word is no name', message: 'demonstration needs sign-in', want: [] },
    ];
    for (const c of cases) {
        it(c.name, () => {
            assert.deepEqual(serversNamed(c.message, servers), c.want);
        });
    }
});

describe('noticeText', () => {
    it('puts the actions as command links that decode to [id, title]', () => {
        const text = noticeText('secure needs sign-in.', 7, ['Sign in', "Use a (token)!"]);
        const links = [...text.matchAll(/\[([^\]]+)\]\((command:[^)\s]+)\)/g)];
        assert.equal(text.slice(0, text.indexOf(' [')), 'secure needs sign-in.');
        assert.deepEqual(links.map((m) => m[1]), ['Sign in', 'Use a (token)!']);
        for (const [i, m] of links.entries()) {
            const href = m[2] ?? '';
            assert.ok(href.startsWith(`command:${PICK_COMMAND}?`), href);
            assert.deepEqual(JSON.parse(decodeURIComponent(href.slice(href.indexOf('?') + 1))), [7, i === 0 ? 'Sign in' : 'Use a (token)!']);
        }
    });
    it('is the message alone without actions', () => {
        assert.equal(noticeText('Signing in.', 1, []), 'Signing in.');
    });
});
