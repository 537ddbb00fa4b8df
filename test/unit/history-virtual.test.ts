import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RowLayout, tickStep } from '../../src/webview/history/virtual.js';

test('fixed rows: offsets, lookup and the visible range with overscan', () => {
  const layout = new RowLayout(1000, 24);
  assert.equal(layout.total, 24_000);
  assert.equal(layout.top(10), 240);
  assert.equal(layout.indexAt(0), 0);
  assert.equal(layout.indexAt(239), 9);
  assert.equal(layout.indexAt(240), 10);
  assert.equal(layout.indexAt(1e9), 999);
  assert.deepEqual(layout.visibleRange(2400, 480, 5), { first: 95, last: 124 });
  assert.deepEqual(layout.visibleRange(0, 480, 5), { first: 0, last: 24 });
  assert.deepEqual(layout.visibleRange(24_000, 480, 5), { first: 994, last: 999 });
});

test('expanded rows add their height to every row below', () => {
  const layout = new RowLayout(10, 20, (index) => (index === 2 ? 100 : 0));
  assert.equal(layout.height(2), 120);
  assert.equal(layout.top(3), 160);
  assert.equal(layout.total, 300);
  assert.equal(layout.indexAt(150), 2);
  assert.equal(layout.indexAt(160), 3);
});

test('scrollToReveal: nothing when visible, else the nearest edge', () => {
  const layout = new RowLayout(100, 20);
  assert.equal(layout.scrollToReveal(5, 0, 200), undefined);
  assert.equal(layout.scrollToReveal(20, 0, 200), 220);
  assert.equal(layout.scrollToReveal(2, 100, 200), 40);
});

test('an empty list', () => {
  const layout = new RowLayout(0, 24);
  assert.equal(layout.total, 0);
  assert.equal(layout.indexAt(10), -1);
  assert.deepEqual(layout.visibleRange(0, 500, 5), { first: 0, last: -1 });
});

test('tick steps are round and at least the spacing apart', () => {
  assert.equal(tickStep(1, 90), 100); // 1 ms per pixel
  assert.equal(tickStep(30, 90), 5000);
  assert.equal(tickStep(1000, 90), 120_000);
  assert.equal(tickStep(10_000_000, 90), 86_400_000 * 11);
});
