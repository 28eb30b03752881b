// `tcp-chat serve` advertising its room and `tcp-chat discover` listing it, as processes — inside a private
// network namespace with only its loopback (support/privateNetwork.ts re-runs this file there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import { inPrivateNetwork } from '../support/privateNetwork';
import { run, serve, tempDir } from './cliProcess';

if (inPrivateNetwork(__filename)) {
  test('a served room is listed by discover within 2 s: name, address, counts, 🔒; a joiner updates the counts', async (t) => {
    const cwd = tempDir(t);
    const { server, port } = await serve(t, cwd, ['--no-log', '--name', 'Ms Lee', '--seats', '1', '--password', 'pw']);
    await server.until(/Discoverable on the network as "Ms Lee"\./, 'the advertised line');
    const first = run(t, ['discover', '--timeout', '2'], cwd);
    assert.equal(await first.exited(), 0);
    assert.equal(first.stdout(), `Ms Lee  127.0.0.1:${port}  0 chatting · 0 waiting · 1 seat  🔒 password  TLS\n`);

    const ann = run(t, ['connect', `127.0.0.1:${port}`, '--no-log', '--name', 'ann', '--password', 'pw'], cwd);
    await ann.until(/Connected to/, 'ann connected');
    const bob = run(t, ['connect', `127.0.0.1:${port}`, '--no-log', '--name', 'bob', '--password', 'pw'], cwd);
    await bob.until(/Connected to/, 'bob connected');
    // Counts go out at most every 3 s: within 3 s of the change, then discover's 2 s.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const second = run(t, ['discover', '--timeout', '2'], cwd);
    assert.equal(await second.exited(), 0);
    assert.equal(second.stdout(), `Ms Lee  127.0.0.1:${port}  1 chatting · 1 waiting · 1 seat  🔒 password  TLS\n`);
  });

  test('a stopped room disappears from a running discover (goodbye), and two rooms of one name both show', async (t) => {
    const cwd = tempDir(t);
    const a = await serve(t, cwd, ['--no-log', '--name', 'Lab']);
    await a.server.until(/Discoverable on the network as "Lab"\./, 'the first room advertised');
    const b = await serve(t, cwd, ['--no-log', '--name', 'Lab']);
    await b.server.until(/Discoverable on the network as "Lab \(2\)"\./, 'the second room renamed');
    const both = run(t, ['discover', '--timeout', '2'], cwd);
    assert.equal(await both.exited(), 0);
    assert.equal(
      both.stdout(),
      `Lab  127.0.0.1:${a.port}  0 chatting  TLS\nLab (2)  127.0.0.1:${b.port}  0 chatting  TLS\n`,
    );

    const listening = run(t, ['discover', '--timeout', '3'], cwd);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    a.server.child.kill('SIGTERM');
    assert.equal(await a.server.exited(), 0);
    assert.equal(await listening.exited(), 0);
    assert.equal(
      listening.stdout(),
      `Lab (2)  127.0.0.1:${b.port}  0 chatting  TLS\n`,
      'the stopped room said goodbye',
    );
  });

  test('serve --no-advertise is silent: discover hears no room', async (t) => {
    const cwd = tempDir(t);
    const { server } = await serve(t, cwd, ['--no-log', '--no-advertise']);
    const listening = run(t, ['discover', '--timeout', '2'], cwd);
    assert.equal(await listening.exited(), 0);
    assert.equal(listening.stdout(), 'No rooms heard in 2 s.\n');
    assert.doesNotMatch(server.stdout(), /Discoverable/);
    assert.equal(server.stderr(), '');
  });

  test('a room that cannot advertise (port 5353 held, not shared) still serves, and says why once on stderr', async (t) => {
    const holder = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    t.after(() => holder.close());
    await new Promise<void>((resolve) => holder.bind(5353, '0.0.0.0', resolve));
    const cwd = tempDir(t);
    const { server, port } = await serve(t, cwd, ['--no-log', '--name', 'Hub']);
    const kim = run(t, ['connect', `127.0.0.1:${port}`, '--no-log', '--name', 'kim'], cwd);
    await kim.until(/Connected to "Hub"/, 'kim connected');
    await server.until(/kim \(127\.0\.0\.1:\d+\) joined\./, 'the join line');
    assert.equal(
      server.stderr(),
      'tcp-chat: this room is not discoverable on the network (lo: port 5353 is taken by a program that does not ' +
        'share it); people can still join by its address.\n',
    );
    const listening = run(t, ['discover', '--timeout', '1'], cwd);
    assert.equal(await listening.exited(), 1);
    assert.match(listening.stderr(), /^tcp-chat: cannot listen for rooms: lo: port 5353 is taken/);
  });
}
