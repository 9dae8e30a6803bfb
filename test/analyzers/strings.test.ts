import fc from 'fast-check';
import { contiguous } from '../../src/analyzers/strings';

describe('contiguous: the same text, as one string of its own', () => {
  it('returns an equal string for any text, a slice of a longer one included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.nat(), (text, cut) => {
        expect(contiguous(text)).toBe(text);
        const slice = `${text}${text}`.slice(cut % (text.length + 1));
        expect(contiguous(slice)).toBe(slice);
      }),
    );
  });

  it('keeps short texts and every character of a long one, two-byte ones too', () => {
    expect(contiguous('')).toBe('');
    expect(contiguous('a')).toBe('a');
    const long = `İ→ ${'Reported error: 550 5.1.10\n'.repeat(100)}\u{1F4E7}`;
    expect(contiguous(long.slice(1))).toBe(long.slice(1));
    expect(contiguous(long)).toHaveLength(long.length);
  });
});
