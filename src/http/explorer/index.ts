import type { ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../observability/logger';
import { EXPLORER_ASSETS_PATH, explorerAssets } from './assets';
import { EXAMPLE_OPERATIONS } from './exampleOperations';
import { explorerPageHtml } from './page';
import { sandboxPage } from './sandboxPage';

/**
 * What a browser gets outside production: GET /graphql serves GraphiQL from the gateway's own
 * files (no internet needed), with the demo operations preloaded; GET /graphql?sandbox serves
 * Apollo Sandbox, which loads from Apollo's CDN. Production serves neither.
 */
export interface Explorer {
  /** Apollo's landing page plugin: what GET /graphql answers a browser (Apollo negotiates). */
  readonly landingPage: ApolloServerPlugin;
  /** Answers the explorer's own requests (its files, the Sandbox page); false for any other. */
  handle(method: string, path: string, search: string, res: ServerResponse): Promise<boolean>;
}

const SANDBOX_SEARCH = '?sandbox';

export async function createExplorer({ endpointPath, logger }: { endpointPath: string; logger: Logger }): Promise<Explorer> {
  const renderSandbox = await sandboxPage();
  const assets = explorerAssets();
  if (!assets) logger.warn({ event: 'explorer.unavailable' }, `the explorer's packages are not installed (npm install without --omit=dev): ${endpointPath} serves Apollo Sandbox, which needs Apollo's CDN`);
  const html = assets ? explorerPageHtml({ endpoint: endpointPath, tabs: EXAMPLE_OPERATIONS }) : undefined;
  return {
    landingPage: {
      async serverWillStart() {
        return { renderLandingPage: async () => ({ html: html ?? renderSandbox }) };
      },
    },
    async handle(method, path, search, res) {
      if (method !== 'GET' && method !== 'HEAD') return false;
      if (assets && path.startsWith(EXPLORER_ASSETS_PATH)) {
        assets.send(res, path.slice(EXPLORER_ASSETS_PATH.length));
        return true;
      }
      // A GraphQL GET always carries `query`, so this search never names an operation.
      if (path === endpointPath && search === SANDBOX_SEARCH) {
        const page = await renderSandbox();
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(page);
        return true;
      }
      return false;
    },
  };
}
