import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkArgCount, FlagError, parseArgs, type CommandSpec } from '../../../src/cli/args.js';

const spec: CommandSpec = {
  name: 'run', usage: '', desc: '', interspersed: false,
  flags: [
    { name: 'interactive', short: 'i', type: 'bool' }, { name: 'tty', short: 't', type: 'bool' },
    { name: 'env', short: 'e', type: 'list' }, { name: 'publish', short: 'p', type: 'list' },
    { name: 'name', type: 'string' }, { name: 'last', short: 'n', type: 'int', default: -1 },
    { name: 'sig-proxy', type: 'bool', default: true },
  ],
};

test('bundles, attached values, repeated lists, --flag=value', () => {
  const p = parseArgs(spec, ['-it', '-eA=1', '-e', 'B=2', '-p8080:80', '--name=x', '--sig-proxy=false', 'busybox', '-n', '5']);
  assert.equal(p.flags.interactive, true);
  assert.equal(p.flags.tty, true);
  assert.deepEqual(p.flags.env, ['A=1', 'B=2']);
  assert.deepEqual(p.flags.publish, ['8080:80']);
  assert.equal(p.flags.name, 'x');
  assert.equal(p.flags['sig-proxy'], false);
  // interspersed=false: everything after the image is the command
  assert.deepEqual(p.args, ['busybox', '-n', '5']);
  assert.equal(p.flags.last, -1);
  assert.ok(p.changed.has('name') && !p.changed.has('last'));
});

test('interspersed flags and -- terminator', () => {
  const s = { ...spec, interspersed: true };
  assert.deepEqual(parseArgs(s, ['a', '-i', 'b']).args, ['a', 'b']);
  assert.deepEqual(parseArgs(s, ['--', '-i']).args, ['-i']);
  assert.equal(parseArgs(s, ['-e=X']).flags.env?.toString(), 'X');
});

test('pflag error texts', () => {
  assert.throws(() => parseArgs(spec, ['--foo']), (e: Error) => e instanceof FlagError && e.message === 'unknown flag: --foo');
  assert.throws(() => parseArgs(spec, ['-z']), /unknown shorthand flag: 'z' in -z/);
  assert.throws(() => parseArgs(spec, ['--name']), /flag needs an argument: --name/);
  assert.throws(() => parseArgs(spec, ['-n', 'x']), /invalid argument "x" for "-n, --last" flag/);
});

test('argument count messages', () => {
  assert.equal(checkArgCount({ ...spec, name: 'rm', minArgs: 1 }, 'berth', 0), "'berth rm' requires at least 1 argument");
  assert.equal(checkArgCount({ ...spec, name: 'ps', maxArgs: 0 }, 'berth', 1), "'berth ps' accepts no arguments");
  assert.equal(checkArgCount({ ...spec, name: 'rename', minArgs: 2, maxArgs: 2 }, 'berth', 1), "'berth rename' requires exactly 2 arguments");
});
