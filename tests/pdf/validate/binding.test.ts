import { describe, expect, it } from 'vitest';
import { isPresent, resolveBinding } from '@/pdf/validate/binding.js';

describe('resolveBinding', () => {
  it('reads nested payloads', () => {
    expect(resolveBinding({ customer: { name: 'Ada', address: { city: 'Lyon' } } }, 'customer.address.city')).toBe('Lyon');
  });

  it('reads flat keys, as a pdf-generation queue message carries them', () => {
    const payload = { 'customer.name': 'John Doe', 'invoice.number': 'INV-001' };
    expect(resolveBinding(payload, 'customer.name')).toBe('John Doe');
    expect(resolveBinding(payload, 'invoice.number')).toBe('INV-001');
  });

  it('reads mixtures of flat and nested segments', () => {
    expect(resolveBinding({ customer: { 'address.city': 'Lyon' } }, 'customer.address.city')).toBe('Lyon');
    expect(resolveBinding({ 'customer.address': { city: 'Oslo' } }, 'customer.address.city')).toBe('Oslo');
  });

  it('prefers the flat key when both shapes are present, falls back to nested when the flat one lacks the rest', () => {
    expect(resolveBinding({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toBe(1);
    expect(resolveBinding({ 'a.b': { x: 1 }, a: { b: { c: 3 } } }, 'a.b.c')).toBe(3);
  });

  it('keeps falsy values and null (present-but-empty), returns undefined for missing', () => {
    expect(resolveBinding({ n: 0 }, 'n')).toBe(0);
    expect(resolveBinding({ b: false }, 'b')).toBe(false);
    expect(resolveBinding({ s: '' }, 's')).toBe('');
    expect(resolveBinding({ a: null }, 'a')).toBeNull();
    expect(resolveBinding({ a: { b: 1 } }, 'a.c')).toBeUndefined();
    expect(resolveBinding({ a: 'text' }, 'a.length')).toBeUndefined();
    expect(resolveBinding(null, 'a')).toBeUndefined();
    expect(resolveBinding('x', 'a')).toBeUndefined();
  });

  it('indexes arrays by numeric segments only', () => {
    expect(resolveBinding({ items: [{ name: 'a' }, { name: 'b' }] }, 'items.1.name')).toBe('b');
    expect(resolveBinding({ items: [1, 2] }, 'items.length')).toBeUndefined();
  });

  it('never reads inherited properties', () => {
    expect(resolveBinding({}, 'constructor')).toBeUndefined();
    expect(resolveBinding({ a: {} }, 'a.__proto__')).toBeUndefined();
    expect(resolveBinding({ a: {} }, 'a.toString')).toBeUndefined();
  });
});

describe('isPresent', () => {
  it.each([
    [undefined, false],
    [null, false],
    ['', false],
    ['   ', false],
    [[], false],
    [0, true],
    [false, true],
    ['x', true],
    [{}, true],
  ])('%j → %s', (v, expected) => {
    expect(isPresent(v)).toBe(expected);
  });
});
