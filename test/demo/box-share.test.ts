/** The share of a map's positive mass inside a box, against sums done by hand. */
import { describe, expect, it } from 'vitest';
import { attributionShareInBox, meanAttributionShareInBoxes } from '../../src/demo/box-share.js';

// A 3 x 4 map (rows top to bottom); its positive mass is 1+2+3+4+5+6+1+1 = 23, the -4 and the
// NaN count as nothing.
const map = {
  data: Float32Array.of(
    1, 2, 0, -4,
    3, 4, 5, 0,
    6, 1, 1, Number.NaN,
  ),
  shape: [3, 4],
};

describe('attributionShareInBox', () => {
  it('divides the positive mass inside the box by all positive mass', () => {
    // Columns 1-2, rows 0-1: 2 + 0 + 4 + 5 = 11.
    expect(attributionShareInBox(map, { x: 1, y: 0, width: 2, height: 2 })).toBeCloseTo(11 / 23, 12);
    // Column 3 holds only the -4, a 0 and the NaN.
    expect(attributionShareInBox(map, { x: 3, y: 0, width: 1, height: 3 })).toBe(0);
    expect(attributionShareInBox(map, { x: 0, y: 0, width: 4, height: 3 })).toBe(1);
  });

  it('cuts a box that reaches past the map to the map', () => {
    // Rows 1-2 of columns 0-1 inside the map: 3 + 4 + 6 + 1 = 14.
    expect(attributionShareInBox(map, { x: -5, y: 1, width: 7, height: 10 })).toBeCloseTo(14 / 23, 12);
    expect(attributionShareInBox(map, { x: 10, y: 0, width: 2, height: 2 })).toBe(0);
  });

  it('is 0 for a map without positive mass and does not change when the map is scaled', () => {
    expect(attributionShareInBox({ data: Float32Array.of(0, -1, 0, 0), shape: [2, 2] }, { x: 0, y: 0, width: 1, height: 1 })).toBe(0);
    const scaled = { data: map.data.map((v) => v * 7.5), shape: map.shape };
    expect(attributionShareInBox(scaled, { x: 1, y: 0, width: 2, height: 2 })).toBeCloseTo(11 / 23, 6);
  });

  it('rejects maps that are not [H, W] and malformed boxes', () => {
    expect(() => attributionShareInBox({ data: new Float32Array(12), shape: [1, 3, 4] }, { x: 0, y: 0, width: 1, height: 1 })).toThrow(/one \[H, W\] map/);
    expect(() => attributionShareInBox(map, { x: 0, y: 0, width: -1, height: 1 })).toThrow(/non-negative width/);
  });
});

describe('meanAttributionShareInBoxes', () => {
  // Two 2 x 2 maps: [[1, 3], [0, 4]] and [[2, 2], [2, 2]].
  const maps = { data: Float32Array.of(1, 3, 0, 4, 2, 2, 2, 2), shape: [2, 2, 2] };

  it('averages the share over items with a box', () => {
    // Item 0, left column: 1 / 8. Item 1, top row: 4 / 8.
    expect(meanAttributionShareInBoxes(maps, [{ x: 0, y: 0, width: 1, height: 2 }, { x: 0, y: 0, width: 2, height: 1 }])).toBeCloseTo((1 / 8 + 4 / 8) / 2, 12);
    // Item 1 has nothing to find: only item 0 counts (right column: 7 / 8).
    expect(meanAttributionShareInBoxes(maps, [{ x: 1, y: 0, width: 1, height: 2 }, null])).toBeCloseTo(7 / 8, 12);
    expect(meanAttributionShareInBoxes(maps, [null, null])).toBeNaN();
  });

  it('needs one box per map', () => {
    expect(() => meanAttributionShareInBoxes(maps, [null])).toThrow(/2 maps, 1 boxes/);
    expect(() => meanAttributionShareInBoxes({ data: new Float32Array(4), shape: [2, 2] }, [null, null])).toThrow(/\[N, H, W\]/);
  });
});
