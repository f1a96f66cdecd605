import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { sendJson } from '../sendJson';

/** Where the explorer's files are served; the page refers to them here, never to a CDN. */
export const EXPLORER_ASSETS_PATH = '/explorer/';

/**
 * The prebuilt browser bundles the explorer runs on, each from its npm package (GraphiQL 3's UMD
 * build and stylesheet, which inline their fonts, and the React 18 UMD builds it expects as globals).
 */
const PACKAGE_FILES = {
  'react.production.min.js': ['react', 'umd/react.production.min.js'],
  'react-dom.production.min.js': ['react-dom', 'umd/react-dom.production.min.js'],
  'graphiql.min.js': ['graphiql', 'graphiql.min.js'],
  'graphiql.min.css': ['graphiql', 'graphiql.min.css'],
} as const;

export type ExplorerAssetName = keyof typeof PACKAGE_FILES | 'start.js';

/** In the order the page loads its scripts. */
export const EXPLORER_SCRIPTS: readonly ExplorerAssetName[] = ['react.production.min.js', 'react-dom.production.min.js', 'graphiql.min.js', 'start.js'];
export const EXPLORER_STYLESHEET: ExplorerAssetName = 'graphiql.min.css';

/**
 * Starts GraphiQL from the page's JSON configuration (endpoint, preloaded tabs). A file of its own,
 * not an inline script, so the page's Content-Security-Policy can allow scripts from 'self' only.
 */
const START_SCRIPT = `(function () {
  var config = JSON.parse(document.getElementById('explorer-config').textContent);
  var fetcher = GraphiQL.createFetcher({ url: config.endpoint });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultTabs: config.tabs, defaultEditorToolsVisibility: true, shouldPersistHeaders: false })
  );
})();
`;

/** Serves the explorer's files by name; each is read on its first request and kept. */
export interface ExplorerAssets {
  send(res: ServerResponse, name: string): void;
}

/**
 * The explorer's files, or undefined when their packages are not installed: they are development
 * dependencies, absent from an install with `--omit=dev` (the container's, which runs production).
 */
export function explorerAssets(): ExplorerAssets | undefined {
  const files = new Map<string, string>();
  try {
    // By the package's folder: their `exports` maps do not list these files.
    for (const [name, [pkg, file]] of Object.entries(PACKAGE_FILES)) files.set(name, join(dirname(require.resolve(`${pkg}/package.json`)), file));
  } catch {
    return undefined;
  }
  const read = new Map<string, Buffer>([['start.js', Buffer.from(START_SCRIPT)]]);
  return {
    send(res, name) {
      let body = read.get(name);
      const file = files.get(name);
      if (!body && file) read.set(name, (body = readFileSync(file)));
      if (!body) return sendJson(res, 404, { error: 'not found' });
      res.writeHead(200, { 'content-type': contentTypeOf(name), 'content-length': body.length, 'cache-control': 'no-cache' });
      res.end(body);
    },
  };
}

function contentTypeOf(name: string): string {
  return name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
}
