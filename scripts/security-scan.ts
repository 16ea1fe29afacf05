/**
 * npm run scan: a static security scan of the Electron app with Doyensec's
 * electronegativity (node_modules/@doyensec/electronegativity, used through
 * its programmatic runner: run(options) -> { issues, errors }).
 *
 * What is scanned, and why:
 * - The TypeScript sources of src-shared, src-main, src-preload and src-renderer, not the
 *   built bundles. electronegativity parses TypeScript itself (@babel/parser
 *   with the typescript plugin; the scan fails if any file does not parse), so
 *   findings point at the lines we wrote. The bundles in out/ would add
 *   zod's and React's code (findings in code we do not own) and lose the
 *   line numbers.
 * - Generated probes in generated/: the BrowserWindow options are built by
 *   createWindowOptions() and the CSP header by a constant, and the
 *   scanner's TypeScript mode cannot follow a function call or an identifier.
 *   So this script calls the real createWindowOptions() (production and
 *   development) and writes `new BrowserWindow(<its exact output>)`, and
 *   writes the real CONTENT_SECURITY_POLICY into an onHeadersReceived
 *   callback. The window and CSP checks therefore judge the values the app
 *   really uses, not a copy of them.
 *
 * Checks left out: AvailableSecurityFixesGlobalCheck and
 * ElectronVersionJSONCheck download Electron's release list from GitHub
 * (no network here); the Electron version is pinned in package.json and
 * passed to the scanner so version-dependent defaults are judged for it.
 *
 * The scan fails (exit 1) on: any finding not suppressed in
 * scripts/security-scan-allowlist.json, any suppression without a written
 * reason, any suppression that no longer matches a finding (stale), and any
 * file the scanner could not parse.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CONTENT_SECURITY_POLICY } from '../src-main/shell/csp';
import { createWindowOptions } from '../src-main/shell/windowOptions';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const ALLOWLIST_FILE = path.join(root, 'scripts', 'security-scan-allowlist.json');
const SCANNED_DIRS = ['src-shared', 'src-main', 'src-preload', 'src-renderer'] as const;
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck', 'ElectronVersionJSONCheck'];

interface Level {
  name: string;
  value: number;
}
interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  sample?: string;
  description: string;
  shortenedURL?: string;
  severity: Level;
  confidence: Level;
  manualReview: boolean;
}
interface ScanResult {
  issues: Issue[];
  errors: { file: string; message: string; tolerable: boolean }[];
  globalChecks: number;
  atomicChecks: number;
}
type Runner = (options: Record<string, unknown>, forCli: boolean) => Promise<ScanResult>;

const suppressionSchema = z
  .object({
    id: z.string().min(1),
    /** Path relative to the scanned tree, for example "src-main/index.ts", or "N/A" for global findings. */
    file: z.string().min(1),
    /** A substring of the flagged source line, so a suppression covers that line only. */
    match: z.string().min(1).optional(),
    reason: z.string().trim().min(30, 'every suppression needs a written reason (30+ characters)'),
  })
  .strict();
const allowlistSchema = z.object({ suppressions: z.array(suppressionSchema) }).strict();
type Suppression = z.infer<typeof suppressionSchema>;

function loadAllowlist(): Suppression[] {
  const raw: unknown = JSON.parse(fs.readFileSync(ALLOWLIST_FILE, 'utf8'));
  const parsed = allowlistSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `  ${i.path.join('.')}: ${i.message}`)
      .join('\n');
    throw new Error(`${path.relative(root, ALLOWLIST_FILE)} is invalid:\n${problems}`);
  }
  return parsed.data.suppressions;
}

function electronVersion(): string {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
  ) as { version?: unknown };
  if (typeof pkg.version !== 'string')
    throw new Error('cannot read the installed Electron version');
  return pkg.version;
}

function writeProbes(dir: string): void {
  const probeDir = path.join(dir, 'generated');
  fs.mkdirSync(probeDir, { recursive: true });
  for (const isDev of [false, true]) {
    const options = createWindowOptions({
      preloadPath: path.join(root, 'out', 'preload', 'index.cjs'),
      state: { bounds: { width: 1360, height: 860 }, maximized: false },
      isDev,
    });
    fs.writeFileSync(
      path.join(probeDir, `window-options.${isDev ? 'development' : 'production'}.js`),
      `// createWindowOptions({ isDev: ${isDev} }) as the app builds it.\n` +
        `const { BrowserWindow } = require('electron');\n` +
        `module.exports = new BrowserWindow(${JSON.stringify(options, null, 2)});\n`,
    );
  }
  fs.writeFileSync(
    path.join(probeDir, 'csp-header.js'),
    `// The Content-Security-Policy header (src-main/shell/csp.ts) as the shell sends it.\n` +
      `const { session } = require('electron');\n` +
      `session.defaultSession.webRequest.onHeadersReceived((details, callback) => {\n` +
      `  callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [${JSON.stringify(CONTENT_SECURITY_POLICY)}] } });\n` +
      `});\n`,
  );
}

function stage(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-scan-'));
  for (const name of SCANNED_DIRS) {
    const source = path.join(root, name);
    if (!fs.existsSync(source)) throw new Error(`${name} is missing: nothing to scan`);
    fs.cpSync(source, path.join(dir, name), {
      recursive: true,
      filter: (file) => !file.split(path.sep).includes('node_modules'),
    });
  }
  writeProbes(dir);
  return dir;
}

/** Global checks often leave the sample empty; the flagged line itself is what a suppression names. */
function withSample(dir: string, issue: Issue): Issue {
  if (issue.sample?.trim() || issue.location.line < 1) return issue;
  try {
    const lines = fs.readFileSync(path.join(dir, issue.file), 'utf8').split('\n');
    return { ...issue, sample: lines[issue.location.line - 1] ?? '' };
  } catch {
    return issue;
  }
}

function matches(suppression: Suppression, issue: Issue): boolean {
  return (
    suppression.id === issue.id &&
    suppression.file === issue.file &&
    (suppression.match === undefined || (issue.sample ?? '').includes(suppression.match))
  );
}

async function main(): Promise<number> {
  const suppressions = loadAllowlist();
  const version = electronVersion();
  const dir = stage();
  try {
    const loaded = require('@doyensec/electronegativity') as Runner | { default: Runner };
    const run = typeof loaded === 'function' ? loaded : loaded.default;
    const result = await run(
      {
        input: dir,
        customScan: [],
        excludeFromScan: EXCLUDED_CHECKS.map((check) => check.toLowerCase()),
        isRelative: true,
        isVerbose: false,
        electronVersionOverride: version,
        parserPlugins: [],
      },
      false,
    );

    console.log(
      `electronegativity: ${result.atomicChecks} atomic and ${result.globalChecks} global checks, ` +
        `Electron ${version}, over ${SCANNED_DIRS.join(', ')} and generated probes`,
    );
    let failed = false;
    for (const error of result.errors) {
      console.log(
        `${error.tolerable ? 'WARN' : 'ERROR'} could not fully parse ${error.file}: ${error.message}`,
      );
      if (!error.tolerable) failed = true;
    }

    const used = new Set<Suppression>();
    const sorted = result.issues
      .map((issue) => withSample(dir, issue))
      .sort((a, b) => a.file.localeCompare(b.file) || a.location.line - b.location.line);
    for (const issue of sorted) {
      const suppression = suppressions.find((s) => matches(s, issue));
      const where = `${issue.file}:${issue.location.line}:${issue.location.column}`;
      const level = `${issue.severity.name}/${issue.confidence.name}${issue.manualReview ? ' (review)' : ''}`;
      if (suppression) {
        used.add(suppression);
        console.log(
          `allowed  ${issue.id} ${level} ${where}\n         reason: ${suppression.reason}`,
        );
      } else {
        failed = true;
        const sample = (issue.sample ?? '').trim().slice(0, 160);
        console.log(
          `FINDING  ${issue.id} ${level} ${where}\n         ${issue.description.trim()}` +
            `${sample ? `\n         > ${sample}` : ''}${issue.shortenedURL ? `\n         ${issue.shortenedURL}` : ''}`,
        );
      }
    }
    for (const suppression of suppressions) {
      if (used.has(suppression)) continue;
      failed = true;
      console.log(
        `STALE    suppression ${suppression.id} ${suppression.file}${suppression.match ? ` "${suppression.match}"` : ''} ` +
          'matches no finding: remove it from the allowlist',
      );
    }
    const unexplained = sorted.filter(
      (issue) => !suppressions.some((s) => matches(s, issue)),
    ).length;
    console.log(
      failed
        ? `security scan FAILED: ${unexplained} finding(s) not allowed, see above`
        : `security scan passed: ${sorted.length} finding(s), each reviewed in ${path.relative(root, ALLOWLIST_FILE)}`,
    );
    return failed ? 1 : 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `security scan could not run: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(2);
  },
);
