# Image for the Relance API and worker; docker-compose.yml picks the command for each.
FROM node:20-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY . .

USER node
EXPOSE 3000
CMD ["npx", "tsx", "worker/main.ts"]
