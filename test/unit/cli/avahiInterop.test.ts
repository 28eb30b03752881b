// Interoperability with an mDNS stack nobody here wrote: avahi (the Linux system responder). Inside a private
// network namespace (only its loopback, which avahi accepts when allowed in its config) and a private mount
// namespace (a tmpfs over /run for avahi's pid file), this file starts its own dbus-daemon (a unix socket in a
// temp folder, a permissive policy) and avahi-daemon on it, then checks both directions: `avahi-browse` sees a
// `tcp-chat serve` room with its TXT, and `tcp-chat discover` sees a service `avahi-publish` announces.
// Needs the Debian packages avahi-daemon, avahi-utils and dbus-daemon (.ci/run installs them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { within } from '../support/clientHelpers';
import { inPrivateNetwork } from '../support/privateNetwork';
import { run, serve, tempDir, type Cleanup } from './cliProcess';

function daemonConfigs(dir: string): { bus: string; dbusConfig: string; avahiConfig: string } {
  const bus = `unix:path=${path.join(dir, 'bus')}`;
  const dbusConfig = path.join(dir, 'dbus.conf');
  fs.writeFileSync(
    dbusConfig,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>${bus}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="org.freedesktop.Avahi"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`,
  );
  const avahiConfig = path.join(dir, 'avahi.conf');
  fs.writeFileSync(
    avahiConfig,
    `[server]
host-name=avahi-test
use-ipv4=yes
use-ipv6=no
enable-dbus=yes
allow-interfaces=lo
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
`,
  );
  return { bus, dbusConfig, avahiConfig };
}

/** Starts a daemon in the foreground; killed when the test ends. Resolves once `ready` shows in its output. */
async function daemon(t: Cleanup, command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp) {
  const child: ChildProcess = spawn(command, args, { env });
  t.after(() => child.kill('SIGTERM'));
  let output = '';
  await within(
    new Promise<void>((resolve, reject) => {
      const check = (d: Buffer) => {
        output += d;
        if (ready.test(output)) resolve();
      };
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`${command} exited (${code}):\n${output}`)));
    }),
    10_000,
    () => `${command} to start; output:\n${output}`,
  );
}

async function startAvahi(t: Cleanup): Promise<NodeJS.ProcessEnv> {
  for (const tool of ['avahi-daemon', 'avahi-browse', 'avahi-publish', 'dbus-daemon']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`]);
    assert.equal(found.status, 0, `${tool} is missing: install avahi-daemon, avahi-utils and dbus-daemon`);
  }
  // A tmpfs over /run, in this private mount namespace only: avahi writes /run/avahi-daemon/pid.
  execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', '/run']);
  fs.mkdirSync('/run/avahi-daemon');
  const dir = tempDir(t);
  const { bus, dbusConfig, avahiConfig } = daemonConfigs(dir);
  const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: bus };
  await daemon(
    t,
    'dbus-daemon',
    [`--config-file=${dbusConfig}`, '--nofork', '--nopidfile', '--print-address'],
    env,
    /unix:/,
  );
  await daemon(
    t,
    'avahi-daemon',
    ['--no-chroot', '--no-drop-root', '--no-rlimits', '-f', avahiConfig],
    env,
    /Server startup complete/,
  );
  return env;
}

if (inPrivateNetwork(__filename, { mount: true })) {
  test('avahi interop: avahi-browse resolves our room with its TXT; discover lists what avahi-publish announces', async (t) => {
    const env = await startAvahi(t);
    const cwd = tempDir(t);
    const { server, port } = await serve(t, cwd, ['--no-log', '--name', 'Ms Lee', '--seats', '4', '--password', 'pw']);
    await server.until(/Discoverable on the network as "Ms Lee"\./, 'the advertised line');
    const browse = spawnSync('avahi-browse', ['--resolve', '--parsable', '--terminate', '_tcpchat._tcp'], {
      env,
      encoding: 'utf8',
      timeout: 10_000,
    });
    const resolved = browse.stdout.split('\n').find((line) => line.startsWith('=;lo;IPv4;Ms\\032Lee;'));
    assert.ok(resolved, `avahi-browse did not resolve the room:\n${browse.stdout}\n${browse.stderr}`);
    const fields = resolved.split(';');
    assert.deepEqual(fields.slice(4, 6), ['_tcpchat._tcp', 'local']);
    assert.deepEqual(fields.slice(7, 9), ['127.0.0.1', String(port)]);
    const txt = fields.slice(9).join(';');
    for (const pair of ['"v=1"', '"seats=4"', '"chatting=0"', '"waiting=0"', '"pw=1"'])
      assert.ok(txt.includes(pair), txt);

    const publisher = spawn(
      'avahi-publish',
      ['-s', 'Avahi Room', '_tcpchat._tcp', '4321', 'v=1', 'chatting=2', 'pw=1'],
      {
        env,
      },
    );
    t.after(() => publisher.kill('SIGTERM'));
    let published = '';
    publisher.stderr.on('data', (d) => (published += d));
    publisher.stdout.on('data', (d) => (published += d));
    await within(
      new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (!/Established under name/.test(published)) return;
          clearInterval(check);
          resolve();
        }, 50);
      }),
      10_000,
      () => `avahi-publish to establish the service: ${published}`,
    );
    const listed = run(t, ['discover', '--timeout', '2'], cwd);
    assert.equal(await listed.exited(), 0);
    assert.equal(
      listed.stdout(),
      `Avahi Room  127.0.0.1:4321  2 chatting  🔒 password\nMs Lee  127.0.0.1:${port}  0 chatting · 0 waiting · 4 seats  🔒 password  TLS\n`,
    );
  });
}
