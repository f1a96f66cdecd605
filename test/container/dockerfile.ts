import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, ... */
  keyword: string;
  args: string;
}

export interface Stage {
  /** The `AS` name, or the stage's index when unnamed. */
  name: string;
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages and instructions: comments dropped, continuation lines joined, ARGs resolved. */
export function readDockerfile(path = join(ROOT, 'Dockerfile')): Stage[] {
  const joined = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n\s*/g, ' ');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*\S)\s*$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    const raw = match[2]!;
    const value = raw.replace(/\$\{(\w+)\}/g, (_, name: string) => args.get(name) ?? '');
    if (keyword === 'ARG' && stages.length === 0) {
      const [name, fallback = ''] = raw.split('=');
      args.set(name!, fallback);
      continue;
    }
    if (keyword === 'FROM') {
      const [from, as, name] = value.split(/\s+/);
      stages.push({ name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length), from: from!, instructions: [] });
      continue;
    }
    stages.at(-1)?.instructions.push({ keyword, args: value });
  }
  return stages;
}

/** The argv of a JSON-form (exec-form) CMD or HEALTHCHECK CMD. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  return JSON.parse(json) as string[];
}
