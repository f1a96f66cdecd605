import { writeFileSync } from 'node:fs';
import { graphql } from 'graphql';
import { buildSchema } from '../graphql/schema';
import { loadConfig } from '../config';

/**
 * The subgraph SDL exactly as `_service { sdl }` serves it (federation directives included), for
 * `rover subgraph publish`/`check`. Asking the built schema, rather than joining schema/*.graphql,
 * guarantees that what is published is what the running subgraph answers.
 */
export async function subgraphSdl(): Promise<string> {
  // The same configuration as the server (AUTH_START_SCOPE, AUTH_STOP_SCOPE, SCHEMA_AUTH_DIRECTIVES) shapes the SDL.
  const { startScope, stopScope, schemaAuthDirectives } = loadConfig();
  const schema = buildSchema({ scopes: { start: startScope, stop: stopScope }, authDirectives: schemaAuthDirectives });
  const result = await graphql({ schema, source: '{ _service { sdl } }' });
  const sdl = (result.data as { _service?: { sdl?: unknown } } | null | undefined)?._service?.sdl;
  if (result.errors?.length || typeof sdl !== 'string') {
    throw new Error(`could not read the subgraph SDL: ${result.errors?.map((e) => e.message).join('; ') ?? 'no sdl'}`);
  }
  return sdl.endsWith('\n') ? sdl : `${sdl}\n`;
}

/** `node printSubgraphSchema.js [FILE]`: writes the SDL to FILE, or to stdout without one. */
async function main(argv: string[]): Promise<void> {
  const sdl = await subgraphSdl();
  const file = argv[0];
  if (file === undefined || file === '-') {
    process.stdout.write(sdl);
    return;
  }
  writeFileSync(file, sdl);
  process.stderr.write(`wrote the subgraph SDL to ${file}\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`schema:print failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
