# One image for every role: the API (default), workers and migrations differ only in command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production NETMORTEM_DATA_DIR=/var/lib/netmortem
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /var/lib/netmortem && chown node:node /var/lib/netmortem
USER node
EXPOSE 3000
CMD ["node", "apps/api/dist/main.js"]
