# One image for the three roles (ROLE=radius|web|worker), see docker-compose.yml.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    LOG_FORMAT=json \
    HOST=0.0.0.0 \
    RADIUS_HOST=0.0.0.0

# fping: the worker's device prober (network/ping/) sends ICMP from one process; Debian installs it
# with the raw-socket capability, so it runs as the unprivileged `node` user below.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fping && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
# Runtime dependencies only: TypeScript runs through tsx (a runtime dependency), no build step.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# The source (see .dockerignore for what stays out).
COPY . .
# Archived months of session history (docker-compose.yml mounts a volume here for the worker);
# a new named volume takes this directory's owner, so the `node` user can write to it.
RUN mkdir -p /archive/accounting && chown -R node:node /archive

USER node
EXPOSE 3000 1812/udp 1813/udp
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "--import", "tsx", "server/main.ts"]
