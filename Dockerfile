# One image for the three apps; the command picks which to run (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
RUN mkdir -p /data && chown node /data
USER node
# A larger young generation: the ingest allocates per span, and most of it dies young.
ENTRYPOINT ["node", "--max-semi-space-size=64", "dist/apps/cli/src/main.js"]
CMD ["serve"]
