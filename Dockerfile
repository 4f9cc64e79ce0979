# Build: compile TypeScript once; run: production dependencies and the compiled output only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# No tsx here (a dev dependency): the image's npm scripts run the compiled output. `exec`, so the SIGTERM
# that npm forwards reaches node itself, not a shell that dies and leaves the server running.
RUN npm pkg set scripts.start="exec node dist/main.js" scripts.token="node dist/tools/token.js"
COPY --from=build /app/dist ./dist
COPY config ./config
COPY public ./public
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js"]
