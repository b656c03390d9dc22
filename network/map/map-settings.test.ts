import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OSM_TILE_URL, tileSource } from './map-settings.js';

test('the page may load tiles from the tile URL\'s host only', () => {
  assert.equal(tileSource(OSM_TILE_URL), 'https://tile.openstreetmap.org');
  assert.equal(tileSource('https://{s}.tile.example.org:8443/osm/{z}/{x}/{y}.png?key=abc'), 'https://*.tile.example.org:8443');
  assert.equal(tileSource('http://10.0.0.5/tiles/{z}/{x}/{y}.png'), 'http://10.0.0.5');
});

test('a template the policy cannot name, or without {z}/{x}/{y}, is refused', () => {
  for (const bad of ['ftp://tile.example.org/{z}/{x}/{y}.png', 'https://tile.example.org/{z}/{x}.png', 'https://tiles-{s}.example.org/{z}/{x}/{y}.png',
    'https://user:pw@tile.example.org/{z}/{x}/{y}.png', 'https://tile.example.org/{z}/{x}/{y}/{foo}.png', 'javascript:alert(1)//{z}/{x}/{y}', '//tile.example.org/{z}/{x}/{y}.png',
    "https://tile.example.org;script-src *;/{z}/{x}/{y}.png", 'https://tile.example.org /{z}/{x}/{y}.png', 'https://tile.example.org;/{z}/{x}/{y}.png']) {
    assert.equal(tileSource(bad), null, bad);
  }
});
