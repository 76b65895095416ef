import { applyEdits } from '../../../src/text/patcher';

describe('applyEdits', () => {
  const text = 'abcdefghij';

  it('returns the text unchanged without edits', () => {
    expect(applyEdits(text, [])).toBe(text);
  });

  it('applies edits in offset order whatever order they come in, copying the rest', () => {
    expect(
      applyEdits(text, [
        { start: 8, end: 10, text: 'XY' },
        { start: 0, end: 1, text: '' },
        { start: 3, end: 3, text: '+' },
      ]),
    ).toBe('bc+defghXY');
  });

  it('keeps the given order of several inserts at one offset, and an insert may touch a replacement', () => {
    expect(
      applyEdits(text, [
        { start: 2, end: 4, text: '_' },
        { start: 2, end: 2, text: '1' },
        { start: 2, end: 2, text: '2' },
        { start: 4, end: 4, text: '3' },
      ]),
    ).toBe('ab12_3efghij');
  });

  it('rejects overlapping edits', () => {
    expect(() =>
      applyEdits(text, [
        { start: 1, end: 5, text: 'x' },
        { start: 4, end: 6, text: 'y' },
      ]),
    ).toThrow(/overlapping/);
    expect(() =>
      applyEdits(text, [
        { start: 1, end: 5, text: 'x' },
        { start: 3, end: 3, text: 'y' },
      ]),
    ).toThrow(/overlapping/);
  });

  it('rejects edits out of range', () => {
    expect(() => applyEdits(text, [{ start: 5, end: 11, text: '' }])).toThrow(/out of range/);
    expect(() => applyEdits(text, [{ start: 5, end: 4, text: '' }])).toThrow(/out of range/);
    expect(() => applyEdits(text, [{ start: -1, end: 0, text: '' }])).toThrow(/out of range/);
  });
});
