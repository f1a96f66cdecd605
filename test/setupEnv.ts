// The suite must not depend on (or reach) whatever AWS setup the machine running it has.
for (const name of Object.keys(process.env)) {
  if (/^AWS_(PROFILE|REGION|DEFAULT_REGION|ENDPOINT_URL.*|MAX_ATTEMPTS|RETRY_MODE|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$/.test(name)) {
    delete process.env[name];
  }
}
// The SDK warns once per process that releases from 2027 need Node 22; known, and noise in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
