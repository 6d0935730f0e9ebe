// Tests of elicit_steps.ts: elicitation schemas as questions, validation,
// values, and the consent text of URL mode.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { coerce, defaultText, enumValue, stepsFromSchema, urlConsent, validate, validateMulti, type Step } from '../src/elicit_steps';

const schema = {
    type: 'object',
    properties: {
        name: { type: 'string', title: 'Your name', minLength: 2 },
        email: { type: 'string', format: 'email', description: 'Where to write' },
        age: { type: 'integer', minimum: 0, maximum: 150 },
        ratio: { type: 'number', default: 0.5 },
        subscribe: { type: 'boolean', default: true },
        color: { type: 'string', enum: ['r', 'g'], enumNames: ['Red', 'Green'] },
        size: { type: 'string', oneOf: [{ const: 's', title: 'Small' }, { const: 'l', title: 'Large' }] },
        level: { type: 'integer', enum: [1, 2] },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 1, maxItems: 2 },
    },
    required: ['name', 'tags'],
};

function step(key: string): Step {
    const s = stepsFromSchema(schema).find((x) => x.key === key);
    assert.ok(s, key);
    return s;
}

describe('stepsFromSchema', () => {
    it('has one step per property, in order, with kinds', () => {
        assert.deepEqual(stepsFromSchema(schema).map((s) => `${s.key}:${s.kind}:${s.required}`), [
            'name:string:true', 'email:string:false', 'age:integer:false', 'ratio:number:false', 'subscribe:boolean:false',
            'color:enum:false', 'size:enum:false', 'level:enum:false', 'tags:multi:true',
        ]);
    });
    describe('follows the order the server sent', () => {
        // Integer-like names come first in a JS object whatever the JSON
        // said: only propertyOrder keeps "zip" before "2".
        const wire = JSON.parse('{"type":"object","properties":{"zip":{"type":"string"},"name":{"type":"string"},"2":{"type":"string"},"age":{"type":"integer"}}}') as unknown;
        const cases: { name: string; order?: string[]; want: string[] }[] = [
            { name: 'propertyOrder', order: ['zip', 'name', '2', 'age'], want: ['zip', 'name', '2', 'age'] },
            { name: 'no propertyOrder: the object order', want: ['2', 'zip', 'name', 'age'] },
            { name: 'a partial order, then the rest', order: ['age', 'name'], want: ['age', 'name', '2', 'zip'] },
            { name: 'unknown and repeated names ignored', order: ['age', 'nope', 'age', 'zip'], want: ['age', 'zip', '2', 'name'] },
        ];
        for (const c of cases) {
            it(c.name, () => {
                assert.deepEqual(stepsFromSchema(wire, c.order).map((s) => s.key), c.want);
            });
        }
    });
    it('reads titles, options and bounds', () => {
        assert.equal(step('name').title, 'Your name');
        assert.equal(step('email').title, 'email');
        assert.deepEqual(step('color').options, [{ value: 'r', label: 'Red' }, { value: 'g', label: 'Green' }]);
        assert.deepEqual(step('size').options, [{ value: 's', label: 'Small' }, { value: 'l', label: 'Large' }]);
        assert.equal(step('age').maximum, 150);
        assert.equal(step('tags').maximum, 2);
    });
    it('is empty for no schema', () => {
        assert.deepEqual(stepsFromSchema(undefined), []);
        assert.deepEqual(stepsFromSchema({ type: 'object' }), []);
    });
});

describe('validate', () => {
    const cases: [string, string, string | undefined][] = [
        ['name', '', 'Your name is required'],
        ['name', 'a', 'at least 2 characters'],
        ['name', 'al', undefined],
        ['email', '', undefined],
        ['email', 'nope', 'enter an email address'],
        ['email', 'a@b.co', undefined],
        ['age', '1.5', 'enter a whole number'],
        ['age', '-1', 'at least 0'],
        ['age', '200', 'at most 150'],
        ['age', 'x', 'enter a number'],
        ['age', '42', undefined],
        ['ratio', '0.25', undefined],
    ];
    for (const [key, text, want] of cases) {
        it(`${key} ${JSON.stringify(text)}`, () => {
            assert.equal(validate(step(key), text), want);
        });
    }
    it('multi-select bounds', () => {
        assert.equal(validateMulti(step('tags'), []), 'tags is required: pick at least one');
        assert.equal(validateMulti(step('tags'), ['a', 'b', 'c']), 'pick at most 2');
        assert.equal(validateMulti(step('tags'), ['a']), undefined);
    });
});

describe('values', () => {
    it('coerces numbers and skips empty optional answers', () => {
        assert.equal(coerce(step('age'), '42'), 42);
        assert.equal(coerce(step('name'), 'al'), 'al');
        assert.equal(coerce(step('email'), ''), undefined);
    });
    it('types enum values as declared', () => {
        assert.equal(enumValue(step('level'), '2'), 2);
        assert.equal(enumValue(step('color'), 'r'), 'r');
    });
    it('shows defaults', () => {
        assert.equal(defaultText(step('ratio')), '0.5');
        assert.equal(defaultText(step('name')), '');
    });
});

describe('urlConsent', () => {
    it('shows the domain and the full URL', () => {
        const c = urlConsent('demo', 'Authorize the app', 'https://auth.example.com.evil.test/path?x=1');
        assert.equal(c.domain, 'auth.example.com.evil.test');
        assert.match(c.message, /Domain: auth\.example\.com\.evil\.test/);
        assert.match(c.message, /Full URL: https:\/\/auth\.example\.com\.evil\.test\/path\?x=1/);
        assert.match(c.message, /Authorize the app/);
    });
    it('refuses what is not http(s)', () => {
        assert.throws(() => urlConsent('demo', '', 'javascript:alert(1)'), /only http and https/);
        assert.throws(() => urlConsent('demo', '', 'not a url'), /not a URL/);
    });
});
