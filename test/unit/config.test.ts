import { ConfigError, loadConfig, SETTINGS, type Setting } from '../../src/config';

describe('loadConfig', () => {
  it('defaults to the emulator, no auth and loopback outside production', () => {
    expect(loadConfig({})).toMatchObject({
      production: false,
      port: 4000,
      host: '127.0.0.1',
      backend: 'emulator',
      auth: { mode: 'none' },
      startScope: 'campaigns:start',
      stopScope: 'campaigns:stop',
      maxStartsPerOperation: 10,
      logLevel: 'info',
      bodyLimitBytes: 1048576,
    });
  });

  it('defaults to AWS and all interfaces in production, and needs AUTH_MODE there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_MODE/);
    expect(loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'none' })).toMatchObject({ backend: 'aws', host: '0.0.0.0' });
  });

  it('reads the start and stop scopes', () => {
    expect(loadConfig({ AUTH_START_SCOPE: 'c:go', AUTH_STOP_SCOPE: 'c:halt' })).toMatchObject({ startScope: 'c:go', stopScope: 'c:halt' });
  });

  it('takes the cursor key from CURSOR_SECRET (32+ characters), or draws one at random and says so', () => {
    const random = loadConfig({});
    expect(random.cursorSecretIsRandom).toBe(true);
    expect(random.cursorSecret).toHaveLength(32);
    const secret = 'k'.repeat(32);
    expect(loadConfig({ CURSOR_SECRET: secret })).toMatchObject({ cursorSecret: Buffer.from(secret), cursorSecretIsRandom: false });
    expect(() => loadConfig({ CURSOR_SECRET: 'short' })).toThrow(/CURSOR_SECRET/);
  });

  it('keeps an explicit emulator backend in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'none', CAMPAIGNS_BACKEND: 'emulator' }).backend).toBe('emulator');
  });

  it('reads the jwt settings, each one required', () => {
    const jwt = { AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'https://id.example/jwks.json', AUTH_ISSUER: 'iss', AUTH_AUDIENCE: 'aud' };
    expect(loadConfig(jwt).auth).toEqual({ mode: 'jwt', jwksUrl: jwt.AUTH_JWKS_URL, issuer: 'iss', audience: 'aud' });
    expect(() => loadConfig({ ...jwt, AUTH_ISSUER: '' })).toThrow(/AUTH_ISSUER/);
    expect(() => loadConfig({ ...jwt, AUTH_JWKS_URL: 'not a url' })).toThrow(/AUTH_JWKS_URL/);
  });

  it('bounds the AWS calls of one request: 100 by default, and at most 500 _entities representations', () => {
    expect(loadConfig({})).toMatchObject({ maxAwsCallsPerRequest: 100, maxEntityRepresentations: 500 });
    expect(loadConfig({ MAX_AWS_CALLS_PER_REQUEST: '40', MAX_ENTITY_REPRESENTATIONS: '100' })).toMatchObject({
      maxAwsCallsPerRequest: 40,
      maxEntityRepresentations: 100,
    });
    expect(() => loadConfig({ MAX_AWS_CALLS_PER_REQUEST: '0' })).toThrow(/MAX_AWS_CALLS_PER_REQUEST/);
  });

  it('shares through Redis only when REDIS_URL is set, with a key prefix and a short command timeout', () => {
    expect(loadConfig({}).redis).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'rediss://user:pw@cache.internal:6380' }).redis).toEqual({
      url: 'rediss://user:pw@cache.internal:6380',
      keyPrefix: 'campaign-gateway:',
      commandTimeoutMs: 250,
    });
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_COMMAND_TIMEOUT_MS: '0' })).toThrow(/REDIS_COMMAND_TIMEOUT_MS/);
  });

  it('keeps read answers fresh 1 s, serves them stale up to 5 minutes, in at most 16 MiB', () => {
    const { upstream } = loadConfig({});
    expect([upstream.readCacheMaxAgeMs, upstream.readStaleMaxAgeMs, upstream.readCacheMaxBytes]).toEqual([1000, 300_000, 16 * 1024 * 1024]);
  });

  it('has production defaults for upstream resilience and operation limits', () => {
    expect(loadConfig({})).toMatchObject({
      upstream: { requestTimeoutMs: 3000, connectTimeoutMs: 1000, deadlineMs: 10000, breakerFailures: 5, breakerOpenMs: 5000, readCacheMaxAgeMs: 1000, readCacheMaxEntries: 10_000 },
      limits: { depth: 6, aliases: 15, directives: 10, tokens: 1000, cost: 5000 },
    });
  });

  it.each([
    ['UPSTREAM_DEADLINE_MS', '0'],
    ['UPSTREAM_BREAKER_FAILURES', 'many'],
    ['UPSTREAM_BREAKER_OPEN_MS', '-1'],
    ['READ_CACHE_MAX_AGE_MS', '-1'],
    ['READ_CACHE_MAX_AGE_MS', '60001'],
    ['READ_CACHE_MAX_ENTRIES', '0'],
    ['READ_CACHE_MAX_BYTES', '1000'],
    ['READ_STALE_MAX_AGE_MS', '-1'],
    ['REDIS_URL', 'not a url'],
    ['MAX_QUERY_DEPTH', '0'],
    ['MAX_QUERY_TOKENS', '5'],
    ['PORT', 'http'],
    ['PORT', '70000'],
    ['CAMPAIGNS_BACKEND', 'dynamodb'],
    ['AUTH_MODE', 'basic'],
    ['MAX_STARTS_PER_OPERATION', '0'],
    ['LOG_LEVEL', 'loud'],
  ])('names %s when its value %j is bad', (variable, value) => {
    let err: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as ConfigError).message).toContain(variable);
  });
});

describe('loadConfig: every problem at once', () => {
  it('reports each bad setting, in the table order, instead of stopping at the first', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'http', LOG_LEVEL: 'loud', MAX_QUERY_DEPTH: '0', CURSOR_SECRET: 'short', AUTH_MODE: 'jwt', AUTH_ISSUER: 'iss' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const { problems, message } = err as ConfigError;
    expect(problems.map((p) => p.variable)).toEqual(['PORT', 'MAX_QUERY_DEPTH', 'LOG_LEVEL', 'CURSOR_SECRET', 'AUTH_JWKS_URL', 'AUTH_AUDIENCE']);
    for (const { variable } of problems) expect(message).toContain(variable);
  });

  it('reports a bad jwt setting once, for its value, not also as missing', () => {
    expect(() => loadConfig({ AUTH_MODE: 'jwt', AUTH_JWKS_URL: 'not a url', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' })).toThrow(
      expect.objectContaining({ problems: [{ variable: 'AUTH_JWKS_URL', problem: 'must be an absolute URL (got "not a url")' }] }),
    );
  });
});

describe('SETTINGS, the one table of settings', () => {
  const rows = Object.entries(SETTINGS) as Array<[string, Setting]>;

  it.each(rows)('%s: its documented default outside production is what an unset variable gives', (name, setting) => {
    if (setting.example === '') return;
    const unset = setting.read(undefined, { production: false });
    expect(setting.read(setting.example, { production: false })).toEqual(unset);
    expect(loadConfig({ [name]: setting.example })).toEqual({ ...loadConfig({}), cursorSecret: expect.any(Buffer) });
  });

  it('documents every setting: a type and a meaning for each', () => {
    for (const [, setting] of rows) {
      expect(setting.type).not.toBe('');
      expect(setting.meaning.length).toBeGreaterThan(10);
    }
  });
});

describe('loadConfig: tracing, opt-in by the standard OTEL_* variables', () => {
  const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };

  it.each<[string, Record<string, string>, 'off' | 'otlp']>([
    ['nothing set', {}, 'off'],
    ['an OTLP endpoint', ENDPOINT, 'otlp'],
    ['a traces-only OTLP endpoint', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, 'otlp'],
    ['OTEL_TRACES_EXPORTER=otlp (the SDK default endpoint)', { OTEL_TRACES_EXPORTER: 'otlp' }, 'otlp'],
    ['an endpoint but OTEL_TRACES_EXPORTER=none', { ...ENDPOINT, OTEL_TRACES_EXPORTER: 'none' }, 'off'],
    ['an endpoint but OTEL_SDK_DISABLED=true', { ...ENDPOINT, OTEL_SDK_DISABLED: 'true' }, 'off'],
    ['OTLP over HTTP with protobuf asked for', { ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, 'otlp'],
    [
      'a traces protocol overriding a general grpc one',
      { ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' },
      'otlp',
    ],
  ])('with %s is %s', (_what, env, expected) => {
    expect(loadConfig(env).tracing).toBe(expected);
  });

  it.each([
    ['OTEL_TRACES_EXPORTER', { OTEL_TRACES_EXPORTER: 'zipkin' }],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', { ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }],
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', { ...ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }],
  ])('refuses what it cannot export, naming %s', (variable, env) => {
    expect(() => loadConfig(env)).toThrow(expect.objectContaining({ variable }));
  });
});
