import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../../src/providers/json-patch';

// Cases from RFC 6902 Appendix A (the examples the RFC gives, in order), then hostile patches.

describe('applyJsonPatch: RFC 6902 Appendix A', () => {
  it.each([
    ['A.1 add an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 add an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 remove an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 remove an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replace a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    [
      'A.6 move a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    ['A.7 move an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], {
      foo: ['all', 'cows', 'eat', 'grass'],
    }],
    ['A.8 test success', { baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }], {
      baz: 'qux',
      foo: ['a', 2, 'c'],
    }],
    ['A.10 add a nested member', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.16 add an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['copy', { a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: 1 }, c: { b: 1 } }],
    ['replace the whole document', { a: 1 }, [{ op: 'replace', path: '', value: [1] }], [1]],
  ])('%s', (_name, doc, patch, want) => {
    const before = JSON.stringify(doc);
    expect(applyJsonPatch(doc, patch)).toEqual(want);
    expect(JSON.stringify(doc)).toBe(before); // copy on write: the input is never changed
  });

  it.each([
    ['A.9 test failure', { baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/baz', value: 'bar' }]],
    ['A.12 add to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]],
    ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }]],
    ['remove a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }]],
    ['an index past the end', { a: [1] }, [{ op: 'add', path: '/a/2', value: 0 }]],
    ['a leading-zero index', { a: [1, 2] }, [{ op: 'replace', path: '/a/01', value: 0 }]],
    ['a path without its slash', { a: 1 }, [{ op: 'replace', path: 'a', value: 0 }]],
    ['an unknown op', { a: 1 }, [{ op: 'merge', path: '/a', value: 0 }]],
    ['a patch that is not an array', { a: 1 }, { op: 'add', path: '/a', value: 0 }],
    ['moving into its own child', { a: { b: {} } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]],
  ])('%s is a parse error with code invalid_state_patch', (_name, doc, patch) => {
    expect(() => applyJsonPatch(doc, patch)).toThrow(expect.objectContaining({ kind: 'parse', code: 'invalid_state_patch' }));
  });

  it('a copy is independent of its source, even when later operations of the same patch change it', () => {
    const doc = { a: { list: [1] } };
    const out = applyJsonPatch(doc, [
      { op: 'copy', from: '/a', path: '/b' },
      { op: 'add', path: '/b/list/-', value: 2 },
      { op: 'add', path: '/a/list/-', value: 3 },
    ]);
    expect(out).toEqual({ a: { list: [1, 3] }, b: { list: [1, 2] } });
    expect(doc).toEqual({ a: { list: [1] } });
  });

  it('many operations on a large state copy it once per patch (hostile: 20 000 appends to 20 000 items)', () => {
    const doc = { items: Array.from({ length: 20_000 }, (_, i) => i) };
    const patch = Array.from({ length: 20_000 }, (_, i) => ({ op: 'add', path: '/items/-', value: i }));
    const started = performance.now();
    const out = applyJsonPatch(doc, patch) as { items: number[] };
    // Generous bound: one copy per operation would be 4e8 element copies.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(out.items).toHaveLength(40_000);
    expect(doc.items).toHaveLength(20_000);
  });

  it('a failing operation leaves nothing half applied (the caller keeps its state)', () => {
    const doc = { a: 1 };
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'test', path: '/a', value: 5 }])).toThrow();
    expect(doc).toEqual({ a: 1 });
  });
});

describe('applyJsonPatch: hostile patches', () => {
  it.each([
    [[{ op: 'add', path: '/__proto__/polluted', value: true }]],
    [[{ op: 'add', path: '/constructor/prototype/polluted', value: true }]],
    [[{ op: 'replace', path: '/__proto__', value: { polluted: true } }]],
    [[{ op: 'copy', from: '/a', path: '/__proto__' }]],
    [[{ op: 'add', path: '/a/__proto__', value: { polluted: true } }]],
  ])('refuses prototype paths: %j', (patch) => {
    expect(() => applyJsonPatch({ a: {} }, patch)).toThrow(expect.objectContaining({ code: 'invalid_state_patch' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('a state whose JSON has a "__proto__" key keeps it as plain data through patches', () => {
    const state = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    const next = applyJsonPatch(state, [{ op: 'replace', path: '/a', value: 2 }]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
    expect(next.a).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an absurdly deep path is refused without recursion', () => {
    expect(() => applyJsonPatch({}, [{ op: 'add', path: '/a'.repeat(100_000), value: 1 }])).toThrow(
      expect.objectContaining({ code: 'invalid_state_patch' }),
    );
  });
});
