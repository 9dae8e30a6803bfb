import fc from 'fast-check';
import { cardBytes, cardBytesAtMost, fitsWithin } from '../../src/cards/render';

describe('the cheap card size bound', () => {
  it('is never below the exact UTF-8 JSON size, whatever the JSON (escapes, emoji and non-Latin text included)', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('\u0000\u001f"\\', '😀🙂', 'Ünïcödé ‮ zero​width'));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 5 }),
      object: fc.dictionary(text, tie('value'), { maxKeys: 5 }),
    })).object;
    fc.assert(fc.property(json, (value) => cardBytesAtMost(value) >= cardBytes(value)), { numRuns: 2000 });
  });

  it('decides by the exact size when the bound is too loose to settle it', () => {
    const card = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'x'.repeat(1000) }] };
    const exact = cardBytes(card);
    expect(cardBytesAtMost(card)).toBeGreaterThan(exact + 4000);
    expect(fitsWithin(card, exact)).toBe(true);
    expect(fitsWithin(card, exact - 1)).toBe(false);
  });

  it('does not trust the bound for a value that serialises itself', () => {
    expect(cardBytesAtMost({ when: new Date(0) })).toBe(Number.POSITIVE_INFINITY);
    expect(fitsWithin({ when: new Date(0) }, 100)).toBe(true);
  });
});
