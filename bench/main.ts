// The bench runner: runs the sections asked for, prints tables, optionally writes them to docs/BENCHMARKS.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { nativeBench, plainBench } from './chatLoad';
import { idleBench } from './idleBench';
import { scaleBench } from './scaleBench';
import { imageBench } from './imageBench';
import { clientBench } from './clientBench';
import { webviewBench } from './webviewBench';
import { extensionBench } from './extensionBench';
import { soakBench } from './soak';
import { tlsBench } from './tls';
import { corruptSamples } from './lib/probe';
import { errorMessage } from '../src/chat';

const SECTIONS = [
  'plain',
  'native',
  'client',
  'image',
  'tls',
  'idle',
  'scale',
  'webview',
  'extension',
  'soak',
] as const;
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
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}; load average ${load}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const DOC = 'docs/BENCHMARKS.md';

/** Replaces the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in the doc (sections not run keep theirs). */
function writeSection(doc: string, name: string, body: string): string {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from === -1 || to === -1) return `${doc.trimEnd()}\n\n${start}\n${body}\n${end}\n`;
  return `${doc.slice(0, from + start.length)}\n${body}\n${doc.slice(to)}`;
}

async function main(): Promise<void> {
  console.log(`tcp-chat bench — ${machine()}`);
  const parts = new Map<Section, string>();
  const runners: Record<Section, () => Promise<string>> = {
    plain: plainBench,
    native: nativeBench,
    client: clientBench,
    image: imageBench,
    tls: tlsBench,
    idle: idleBench,
    scale: scaleBench,
    webview: webviewBench,
    extension: extensionBench,
    soak: soakBench,
  };
  for (const section of selected()) {
    const started = Date.now();
    try {
      parts.set(section, await runners[section]());
    } catch (error) {
      console.log(`\n${section}: FAILED — ${error instanceof Error ? error.stack : String(error)}`);
      parts.set(section, `### ${section}\n\nFailed: ${errorMessage(error)}\n`);
    }
    console.log(`  (${section} took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  if (process.argv.includes('--write')) {
    let doc = readFileSync(DOC, 'utf8');
    for (const [section, markdown] of parts)
      doc = writeSection(doc, section, `_Measured ${machine()}._\n\n${markdown}`);
    writeFileSync(DOC, doc);
    console.log(`\nWrote ${[...parts.keys()].join(', ')} to ${DOC}.`);
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
