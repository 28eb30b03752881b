// The short soak (about 45 s): honest members chat and exchange pictures in a password-protected room while
// attackers mix connect churn, slowloris, idle sockets, wrong passwords, floods, trickled images, PNG bombs,
// look-alike names and goodbyes hiding forged lines (bench/lib/soak/). One run, then one test per verdict, so a
// failure names what a user would notice. The 10-minute run is `npm run bench -- --only soak`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak } from '../../../bench/lib/soak/driver';
import { soakChecks, type SoakCheck } from '../../../bench/lib/soak/checks';
import type { SoakResult } from '../../../bench/lib/soak/result';

const SECONDS = 30;
/** SOAK_SEED replays other timings; the default keeps runs alike. */
const SEED = Number(process.env.SOAK_SEED ?? 1);
/** The whole run (setup, attack, drain, teardown) must end within this. */
const HARD_TIMEOUT_MS = 100_000;

describe('soak: a room under mixed attack for 30 s', () => {
  let result: SoakResult | undefined;
  let checks: SoakCheck[] = [];
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);

  before(
    async () => {
      process.on('uncaughtException', onCrash);
      process.on('unhandledRejection', onCrash);
      result = await runSoak({ seconds: SECONDS, seed: SEED, progress: (line) => console.log(line) });
      checks = soakChecks(result);
      for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.title} — ${c.detail}`);
      console.log(`attacks: ${JSON.stringify(result.attacks)}`);
      console.log(`errors honest users were shown: ${JSON.stringify(result.errorTexts, undefined, 1)}`);
    },
    { timeout: HARD_TIMEOUT_MS },
  );
  after(() => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  });

  test('the soak ran, and nothing threw out of the engine', () => {
    assert.ok(result, 'the soak did not finish');
    assert.deepEqual(crashes.map(String), []);
  });

  // One test per verdict (soakChecks returns them in a fixed order; their titles name the bound).
  const titles = [
    'honest lines',
    'honest pictures before images trickle',
    'honest pictures while images trickle',
    'honest members stay connected',
    'newcomers get in',
    'text p99',
    'picture p99',
    'process RSS',
    'JS heap',
    'chat log size',
    'look-alike names',
    'password guessing',
    'forged lines',
    'private lines',
    'PNG bombs',
  ];
  titles.forEach((short, i) => {
    test(`soak: ${short}`, () => {
      const check = checks[i];
      assert.ok(check, 'the soak did not finish');
      assert.ok(check.ok, `${check.title}: ${check.detail}`);
    });
  });
});
