// The bench runner: runs the sections asked for, prints tables, optionally writes them to docs/BENCHMARKS.md.
import { cpus, totalmem } from 'node:os';
import { nativeBench, plainBench } from './chatLoad';
import { idleBench } from './idleBench';
import { imageBench } from './imageBench';
import { webviewBench } from './webviewBench';
import { corruptSamples } from './lib/probe';

const SECTIONS = ['plain', 'native', 'image', 'idle', 'webview', 'extension'] as const;
type Section = (typeof SECTIONS)[number];

function selected(): Section[] {
  const i = process.argv.indexOf('--only');
  if (i === -1) return [...SECTIONS];
  const names = (process.argv[i + 1] ?? '').split(',');
  const unknown = names.filter((n) => !SECTIONS.includes(n as Section));
  if (unknown.length) {
    console.error(`Unknown section(s): ${unknown.join(', ')}. Known: ${SECTIONS.join(', ')}.`);
    process.exit(2);
  }
  return names as Section[];
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}; ${new Date().toISOString().slice(0, 16)} UTC`;
}

async function main(): Promise<void> {
  console.log(`tcp-chat bench — ${machine()}`);
  const parts: string[] = [];
  for (const section of selected()) {
    const started = Date.now();
    try {
      if (section === 'plain') parts.push((await plainBench()).markdown);
      if (section === 'native') parts.push(await nativeBench());
      if (section === 'image') parts.push(await imageBench());
      if (section === 'idle') parts.push(await idleBench());
      if (section === 'webview') parts.push(await webviewBench());
    } catch (error) {
      console.log(`\n${section}: FAILED — ${error instanceof Error ? error.stack : String(error)}`);
      parts.push(`### ${section}\n\nFailed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    console.log(`  (${section} took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  if (corruptSamples.length) console.log(`\nFirst corrupted probes received: ${corruptSamples.join('  ')}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
