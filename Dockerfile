# syntax=docker/dockerfile:1
# Doctorly API / worker image. Runs TypeScript directly through tsx (a runtime dependency), so there is
# no build step: the same image serves `npm run api`, `npm run worker` and `npm run migrate`.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=5000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
COPY public ./public
# Uploads default to <project>/.data/uploads; the app runs as `node`, so that directory must be its own.
RUN mkdir -p .data/uploads && chown -R node:node .data
USER node
EXPOSE 5000
CMD ["npm", "run", "api"]
