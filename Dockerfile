# One image for every Assay process; the command picks what to run (see docker-compose.yml).
# The build stage compiles with the dev dependencies; the runtime stage gets a production-pruned
# node_modules (no embedded PostgreSQL: a container is given DATABASE_URL) and the compiled apps,
# libraries and migrations only: no tests, benchmarks, fixtures or sources.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The only allowed install script fetches embedded PostgreSQL's symlinks, which the build does not need.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY scripts ./scripts
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
RUN npm run build \
 && find dist -type d -name fixtures -prune -exec rm -rf {} + \
 && find dist -type f \( -name '*.spec.js' -o -name '*.spec.js.map' \) -delete \
 && rm -f dist/.tsbuildinfo

FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional too: TypeScript is an optional peer of @nestjs/swagger (needed only to compile), and
# the rest that goes with it (msgpackr's native decoder, pg's Cloudflare socket) has a JavaScript fallback
# or no use here.
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist/apps ./dist/apps
COPY --from=build /app/dist/libs ./dist/libs
COPY --from=build /app/dist/migrations ./dist/migrations
COPY package.json ./
# Owned by the runtime user so that named volumes mounted here start out writable by it.
RUN mkdir -p /data /run/assay && chown node:node /data /run/assay
USER node
EXPOSE 3000 3001 4318
# A larger young generation: the ingest allocates per span, and most of it dies young.
ENTRYPOINT ["node", "--max-semi-space-size=64", "dist/apps/cli/src/main.js"]
CMD ["serve"]
