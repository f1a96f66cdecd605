// Preloaded (node --require) into server processes that run the real AWS SDK credential chain:
// a TCP connection to anything but loopback is refused and reported on stderr, so a test can
// assert that nothing (instance metadata at 169.254.169.254, a real AWS endpoint) was tried.
'use strict';
const net = require('node:net');

const MARKER = 'NON-LOOPBACK CONNECTION REFUSED';
const isLoopback = (host) =>
  host === undefined || host === 'localhost' || /^127\./.test(host) || host === '::1' || host === '[::1]';

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect() passes its normalized [options, callback] as one array argument.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  if (!options.path && !isLoopback(options.host)) {
    process.stderr.write(`${MARKER}: ${options.host}:${options.port}\n`);
    const err = new Error(`${MARKER}: ${options.host}`);
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return connect.apply(this, args);
};
module.exports = { MARKER };
