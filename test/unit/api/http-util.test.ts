import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boolParam, filtersParam } from '../../../src/api/http-util.js';
import { Router } from '../../../src/api/router.js';

test('booleans follow moby: "", 0, no, false, none are false', () => {
  const q = new URLSearchParams('a=1&b=0&c=True&d=False&e=&f=none');
  assert.equal(boolParam(q, 'a'), true);
  assert.equal(boolParam(q, 'b'), false);
  assert.equal(boolParam(q, 'c'), true);
  assert.equal(boolParam(q, 'd'), false);
  assert.equal(boolParam(q, 'e'), false);
  assert.equal(boolParam(q, 'f'), false);
  assert.equal(boolParam(q, 'missing', true), true);
});

test('filters accept both the map and the list form', () => {
  assert.deepEqual(filtersParam(new URLSearchParams({ filters: '{"label":{"a=b":true},"status":{"exited":true}}' })), { label: ['a=b'], status: ['exited'] });
  assert.deepEqual(filtersParam(new URLSearchParams({ filters: '{"label": ["x", "y"]}' })), { label: ['x', 'y'] });
  assert.throws(() => filtersParam(new URLSearchParams({ filters: '{bad' })), /invalid filter/);
});

test('routes match greedy image names and fall back from HEAD to GET', () => {
  const r = new Router();
  const h = async () => undefined;
  r.add('GET', '/images/json', h);
  r.add('GET', '/images/{name*}/json', h);
  r.add('DELETE', '/images/{name*}', h);
  r.add('GET', '/containers/{id}/json', h);
  assert.deepEqual(r.match('GET', '/images/127.0.0.1:5000/a/b:v1/json')?.params, ['127.0.0.1:5000/a/b:v1']);
  assert.deepEqual(r.match('GET', '/images/json')?.params, []);
  assert.deepEqual(r.match('DELETE', '/images/busybox:latest')?.params, ['busybox:latest']);
  assert.deepEqual(r.match('HEAD', '/containers/abc/json')?.params, ['abc']);
  assert.equal(r.match('GET', '/containers/a/b/json'), undefined);
});
