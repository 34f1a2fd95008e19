import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Template } from '../../../src/cli/format/template.js';
import { DOCKER_FUNCS, formatOne, formatRows } from '../../../src/cli/format/docker-format.js';

const run = (src: string, data: unknown) => new Template(src, DOCKER_FUNCS).execute(data);

test('fields, nesting and missing keys', () => {
  const d = { State: { ExitCode: 3, Running: false }, Name: '/x', Config: { Env: ['A=1', 'B=2'], Labels: { b: '2', a: '1' } } };
  assert.equal(run('{{.State.ExitCode}}', d), '3');
  assert.equal(run('{{.Name}}', d), '/x');
  assert.equal(run('{{.Config.Env}}', d), '[A=1 B=2]');
  assert.equal(run('{{.Config.Labels}}', d), 'map[a:1 b:2]');
  assert.equal(run('{{.Nope}}', d), '<no value>');
  assert.equal(run('{{.State.Running}}', d), 'false');
});

test('json, upper, lower, title, join, split, truncate, pad, len, index', () => {
  const d = { Config: { Labels: { a: '<x>' } }, L: ['a', 'b'], S: 'hello world' };
  assert.equal(run('{{json .Config}}', d), '{"Labels":{"a":"\\u003cx\\u003e"}}');
  assert.equal(run('{{upper .S}} {{lower "AB"}} {{title .S}}', d), 'HELLO WORLD ab Hello World');
  assert.equal(run('{{join .L ","}}', d), 'a,b');
  assert.equal(run('{{index (split "a:b" ":") 1}}', d), 'b');
  assert.equal(run('{{truncate .S 5}}|{{pad "x" 1 2}}|', d), 'hello| x  |');
  assert.equal(run('{{len .L}} {{index .Config.Labels "a"}}', d), '2 <x>');
});

test('if/else if/else, range with variables, with, printf, println, trimming', () => {
  const d = { N: 2, L: ['x', 'y'], M: { b: 2, a: 1 }, E: [] };
  assert.equal(run('{{if eq .N 1}}one{{else if eq .N 2}}two{{else}}many{{end}}', d), 'two');
  assert.equal(run('{{range $i, $v := .L}}{{$i}}={{$v}};{{end}}', d), '0=x;1=y;');
  assert.equal(run('{{range $k, $v := .M}}{{$k}}{{$v}} {{end}}', d), 'a1 b2 ');
  assert.equal(run('{{range .E}}x{{else}}empty{{end}}', d), 'empty');
  assert.equal(run('{{with .M}}{{.a}}{{end}}', d), '1');
  assert.equal(run('{{printf "%s-%d-%v|%5s|%-3s|" "a" 3 true "r" "l"}}', d), 'a-3-true|    r|l  |');
  assert.equal(run('{{println "a" "b"}}', d), 'a b\n');
  assert.equal(run('a  {{- .N -}}  b', d), 'a2b');
  assert.equal(run('{{/* comment */}}z', d), 'z');
  assert.equal(run('{{$x := .N}}{{$x}}', d), '2');
  assert.equal(run('{{.M.a | printf "%d!"}}', d), '1!');
});

test('methods with arguments (Label)', () => {
  const ctx = { Label: (k: string) => ({ a: 'A' } as Record<string, string>)[k] ?? '' };
  assert.equal(run('{{.Label "a"}}-{{.Label "b"}}', ctx), 'A-');
});

test('parse errors name the function', () => {
  assert.throws(() => new Template('{{nope .}}', DOCKER_FUNCS), /function "nope" not defined/);
  assert.throws(() => new Template('{{if .A}}', DOCKER_FUNCS), /unexpected EOF/);
});

test('table formats render headers through tabwriter; json shorthand', () => {
  const rows = [{ ID: () => 'abc', Name: () => 'n1', toJSON: () => ({ ID: 'abc' }) }, { ID: () => 'defghijklmnop', Name: () => 'n2', toJSON: () => ({ ID: 'd' }) }];
  const spec = { format: '', defaultTable: 'table {{.ID}}\t{{.Name}}', headers: { ID: 'CONTAINER ID', Name: 'NAME' } };
  assert.equal(formatRows(spec, rows), 'CONTAINER ID    NAME\nabc             n1\ndefghijklmnop   n2\n');
  assert.equal(formatRows({ ...spec, format: 'json' }, rows), '{"ID":"abc"}\n{"ID":"d"}\n');
  assert.equal(formatRows({ ...spec, format: '{{.Name}}' }, rows), 'n1\nn2\n');
  assert.equal(formatRows({ ...spec, format: 'table {{.Name}}\\t{{upper .ID}}' }, rows), 'NAME      CONTAINER ID\nn1        ABC\nn2        DEFGHIJKLMNOP\n');
  assert.equal(formatOne('{{.a}}', { a: 1 }), '1');
});
