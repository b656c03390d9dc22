import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBoundingBox } from './bounding-box.js';

test('a box is west,south,east,north; out-of-range edges are clamped', () => {
  assert.deepEqual(parseBoundingBox('106.7,-6.3,106.9,-6.1'), { west: 106.7, south: -6.3, east: 106.9, north: -6.1 });
  assert.deepEqual(parseBoundingBox(' -200, -95, 200, 95 '), { west: -180, south: -90, east: 180, north: 90 });
});

test('anything else is refused', () => {
  for (const bad of ['', '1,2,3', '1,2,3,4,5', 'a,b,c,d', '106.9,-6.3,106.7,-6.1', '106.7,-6.1,106.9,-6.3', '1e3,2,3,4', 'NaN,1,2,3']) {
    assert.equal(parseBoundingBox(bad), null, bad);
  }
});
