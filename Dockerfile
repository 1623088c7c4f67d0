# syntax=docker/dockerfile:1
# Doctorly API / worker image: TypeScript compiled to dist/ (tsconfig.build.json: src/ → dist/) in a
# build stage, run with plain node; dev dependencies (tsx, typescript, the test tools) are not in the
# image. One image serves the API (`node dist/main.js --api`), the workers (`--worker`) and the operator
# commands (`node dist/cli.js migrate`, `node dist/cli.js admin:create --email … --password-stdin`).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=5000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json ./
COPY migrations ./migrations
COPY public ./public
# Uploads default to <project>/.data/uploads; the app runs as `node`, so that directory must be its own
# (mount a volume there: with a read-only root file system it is the only writable place besides /tmp).
RUN mkdir -p .data/uploads && chown -R node:node .data
USER node
EXPOSE 5000
CMD ["node", "dist/main.js", "--api"]
