import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS, type Setting } from '../../src/config';
import { envExample, settingsTable, TABLE_END, TABLE_START } from '../../src/scripts/settingsDocs';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const rows = Object.entries(SETTINGS) as Array<[string, Setting]>;
const REWRITE = 'run `npm run settings:write` after changing SETTINGS in src/config.ts';

describe('docs/configuration.md, the configuration table', () => {
  const doc = read('docs/configuration.md');
  const table = doc.slice(doc.indexOf(TABLE_START) + TABLE_START.length, doc.indexOf(TABLE_END)).trim();

  it(`is the table written from SETTINGS (${REWRITE})`, () => {
    expect(table).toBe(settingsTable());
  });

  it('has a row per setting, with its default', () => {
    const documented = [...table.matchAll(/^\| `(\w+)` \| [^|]+ \| ([^|]*) \|/gm)].map((m) => [m[1], m[2]!.trim()]);
    expect(documented).toEqual(rows.map(([name, setting]) => [name, setting.defaultText]));
  });

  it("is where the README's configuration link points", () => {
    expect(read('README.md')).toContain('](docs/configuration.md)');
  });
});

describe('.env.example', () => {
  const example = read('.env.example');

  it(`is the file written from SETTINGS (${REWRITE})`, () => {
    expect(example).toBe(envExample());
  });

  it('lists every setting once, at its default, commented out', () => {
    const listed = [...example.matchAll(/^# ([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]);
    expect(listed).toEqual(rows.map(([name, setting]) => [name, setting.example]));
    expect(example.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual([]);
  });
});
