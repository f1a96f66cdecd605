import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS, type Setting } from '../config';

/** Where the table goes in docs/configuration.md; the text between the markers is generated. */
export const TABLE_START = '<!-- settings table: generated from src/config.ts by `npm run settings:write` -->';
export const TABLE_END = '<!-- end of settings table -->';

const rows = () => Object.entries(SETTINGS) as Array<[string, Setting]>;
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The configuration table of docs/configuration.md. */
export function settingsTable(): string {
  const lines = ['| variable | type | default | meaning |', '|---|---|---|---|'];
  for (const [name, setting] of rows()) lines.push(`| \`${name}\` | ${cell(setting.type)} | ${cell(setting.defaultText)} | ${cell(setting.meaning)} |`);
  return lines.join('\n');
}

/** .env.example: every setting, commented out at its default, with what it does. */
export function envExample(): string {
  const plain = (text: string) => text.replace(/`/g, '');
  const blocks = rows().map(([name, setting]) => {
    const defaultNote = setting.defaultText === '' ? '' : ` Default: ${plain(setting.defaultText)}.`;
    return `# ${name}: ${plain(setting.meaning)}.\n# Type: ${plain(setting.type)}.${defaultNote}\n# ${name}=${setting.example}`;
  });
  return `# Every setting of the gateway, at its default (generated from src/config.ts by \`npm run settings:write\`).
# Nothing reads this file: copy it to .env, uncomment what you change, and pass it on
# (\`node --env-file=.env dist/src/main.js\`, \`docker run --env-file .env\`).

${blocks.join('\n\n')}
`;
}

/** docs/configuration.md with its table replaced by the generated one. */
export function withSettingsTable(doc: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start === -1 || end < start) throw new Error('docs/configuration.md has no settings table markers');
  return `${doc.slice(0, start + TABLE_START.length)}\n\n${settingsTable()}\n\n${doc.slice(end)}`;
}

/** `node settingsDocs.js`: rewrites the docs table and .env.example from SETTINGS. */
function main(): void {
  const root = join(__dirname, '..', '..', '..');
  const docPath = join(root, 'docs', 'configuration.md');
  writeFileSync(docPath, withSettingsTable(readFileSync(docPath, 'utf8')));
  writeFileSync(join(root, '.env.example'), envExample());
  process.stderr.write('wrote docs/configuration.md (settings table) and .env.example\n');
}

if (require.main === module) main();
