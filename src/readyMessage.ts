import type { Config } from './config';

export interface NextSteps {
  /** Where a browser gets the explorer; absent in production. */
  explorerUrl?: string;
  /** The bundled emulator's control API (faults, reset); absent on AWS. */
  emulatorControlUrl?: string;
  /** A first request by curl (a GET: CSRF prevention lets it through with this header). */
  tryCurl: string;
}

/** What a person who just started the gateway can do next, for the ready line. */
export function nextSteps(url: string, config: Pick<Config, 'production' | 'auth'>, emulatorUrl: string | undefined): NextSteps {
  const token = config.auth.mode === 'jwt' ? ` -H 'authorization: Bearer <token>'` : '';
  const query = '{ campaigns(first: 3) { edges { node { id name state availableActions } } } }';
  return {
    ...(config.production ? {} : { explorerUrl: url }),
    ...(emulatorUrl ? { emulatorControlUrl: `${emulatorUrl}/__emulator/` } : {}),
    tryCurl: `curl -sG ${url} -H 'apollo-require-preflight: true'${token} --data-urlencode 'query=${query}'`,
  };
}

/** The ready line's message: where it listens, then each next step. */
export function readyMessage(url: string, steps: NextSteps): string {
  return [
    `gateway ready at ${url}`,
    ...(steps.explorerUrl ? [`explorer: open ${steps.explorerUrl} in a browser (Apollo Sandbox, which needs internet: ${steps.explorerUrl}?sandbox)`] : []),
    ...(steps.emulatorControlUrl ? [`emulator control API: ${steps.emulatorControlUrl} (faults, reset)`] : []),
    `try: ${steps.tryCurl}`,
  ].join('; ');
}
