import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLatLng, parseLatLng } from './coordinates.js';

test('a pasted "lat, lng" is read in the forms people copy it', () => {
  for (const text of ['-6.2, 106.816666', ' -6.2,106.816666 ', '-6.2 106.816666', '-6.2; 106.816666', '(-6.2, 106.816666)', 'geo:-6.2,106.816666']) {
    assert.deepEqual(parseLatLng(text), { ok: true, value: { lat: -6.2, lng: 106.816666 } }, text);
  }
  assert.deepEqual(parseLatLng('-6.12345678, 106.1234564'), { ok: true, value: { lat: -6.123457, lng: 106.123456 } }, 'six decimals kept');
  assert.deepEqual(parseLatLng('  '), { ok: true, value: null }, 'blank: no location');
});

test('text that is not a location, or out of range, is refused', () => {
  for (const text of ['-6.2', 'abc, def', '-6.2, 106.8, 3', '6°12\'S 106°49\'E', '1e2, 3']) assert.deepEqual(parseLatLng(text), { ok: false, error: 'format' }, text);
  for (const text of ['91, 0', '-90.1, 10', '0, 180.5', '10, -181']) assert.deepEqual(parseLatLng(text), { ok: false, error: 'range' }, text);
  assert.equal(formatLatLng('-6.200000', '106.816666'), '-6.2, 106.816666');
  assert.equal(formatLatLng(null, null), '');
});
