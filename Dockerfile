# syntax=docker/dockerfile:1
# The campaign gateway as a container: `docker build -t campaign-gateway .` (see docs/operations.md, "Container").

# Production runs Node 24 LTS (Node 20 is past end of life); CI runs the suite on Node 24 as well
# as on the oldest supported line (see README, "Quick start"). The slim image has no compiler or curl.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build: every dependency (codegen and TypeScript are dev dependencies), then codegen + tsc.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs its install script (package.json "allowScripts"); skipping them all keeps
# the build the same whichever npm the image ships.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json codegen.ts ./
COPY schema ./schema
COPY src ./src
RUN npm run build

# Runtime: production dependencies only, the compiled code, and the schema it reads at start.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY schema ./schema
# Files stay owned by root (read-only to the process); the process runs as the image's `node` user.
USER node
EXPOSE 4000
# No curl in slim images: Node's own fetch asks /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 and handles SIGTERM itself: /readyz turns 503, requests in flight finish, exit 0.
CMD ["node", "dist/src/main.js"]
