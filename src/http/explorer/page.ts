import { EXPLORER_ASSETS_PATH, EXPLORER_SCRIPTS, EXPLORER_STYLESHEET } from './assets';
import type { ExampleOperation } from './exampleOperations';

/** JSON inside a <script> element: `<` escaped so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The explorer's page: GraphiQL from the gateway's own files. Its Content-Security-Policy lets
 * the browser load and fetch from this origin only, so the page cannot reach for a CDN unseen.
 */
export function explorerPageHtml({ endpoint, tabs }: { endpoint: string; tabs: readonly ExampleOperation[] }): string {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    // GraphiQL sets style attributes from script; its fonts are inlined as data: URLs.
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
  ].join('; ');
  const asset = (name: string) => `${EXPLORER_ASSETS_PATH}${name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>campaign-gateway explorer</title>
<link rel="icon" href="data:,">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
<link rel="stylesheet" href="${asset(EXPLORER_STYLESHEET)}">
</head>
<body>
<div id="graphiql">Loading the explorer...</div>
<script type="application/json" id="explorer-config">${scriptJson({ endpoint, tabs })}</script>
${EXPLORER_SCRIPTS.map((name) => `<script src="${asset(name)}"></script>`).join('\n')}
</body>
</html>
`;
}
