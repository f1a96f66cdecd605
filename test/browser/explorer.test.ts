import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { EXAMPLE_OPERATIONS } from '../../src/http/explorer/exampleOperations';
import { startHarness, type Harness } from '../helpers/gatewayHarness';

// Debian's chromium (scripts/system-packages.sh installs it), headless, with nothing of its own
// that would reach the network: only what the page asks for is requested.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('the explorer in a browser, offline', () => {
  let harness: Harness;
  let browser: Browser;
  let profile: string;

  beforeAll(async () => {
    harness = await startHarness();
    profile = mkdtempSync(join(tmpdir(), 'explorer-chromium-'));
    browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    await harness?.close();
  });

  it('renders from the gateway alone and shows the data of a query run from it', async () => {
    const origin = new URL(harness.url).origin;
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    const requested: string[] = [];
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const url = request.url();
      requested.push(url);
      // Nothing may leave for another origin; refused here, and listed below.
      if (url.startsWith('data:') || new URL(url).origin === origin) void request.continue();
      else void request.abort('blockedbyclient');
    });

    await page.goto(harness.url, { waitUntil: 'networkidle0', timeout: 30_000 });
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
    // The first tab is the read of the first page.
    const editor = await page.$eval('.graphiql-query-editor', (element) => element.textContent ?? '');
    expect(editor).toContain('query FirstPage');

    // What the same operation answers over HTTP: its first campaign must show in the result pane.
    const direct = await harness.graphql<{ campaigns: { edges: Array<{ node: { id: string } }> } }>(EXAMPLE_OPERATIONS[0]!.query);
    const firstId = direct.body.data!.campaigns.edges[0]!.node.id;

    await page.click('.graphiql-execute-button');
    await page.waitForFunction((id) => document.querySelector('.result-window')?.textContent?.includes(`"${id}"`), { timeout: 30_000 }, firstId);
    const result = await page.$eval('.result-window', (element) => element.textContent ?? '');
    expect(result).toContain('"edges"');
    expect(result).not.toContain('"errors"');

    const elsewhere = requested.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
    expect(elsewhere).toEqual([]);
    expect(requested).toEqual(expect.arrayContaining([`${origin}/explorer/graphiql.min.js`, `${origin}/graphql`]));
    await page.close();
  }, 90_000);
});
