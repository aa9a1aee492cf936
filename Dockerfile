# kwerenda — the app image (`kwerenda serve`, `kwerenda worker`, and every other CLI command).
#   docker build -t kwerenda:local .
# Everything is installed at build time: OCR data comes from npm packages (@tesseract.js-data/*),
# pdf.js fonts from pdfjs-dist, so the container needs no network at run time.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: dependencies (better-sqlite3 compiles from source), TypeScript, web UI ----
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Same policy as package.json's allowScripts: no install scripts except better-sqlite3's.
# (Dependencies first, sources later: a source change does not reinstall node_modules.)
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3
COPY . .
# patches/: fixes to dependencies applied on install (postinstall in package.json; why: patches/README.md).
# The image runs `kwerenda llm-serve` on the CPU only: node-llama-cpp's CUDA and Vulkan builds
# (~620 MB) go; the GPU profile serves models with vLLM instead.
RUN npx patch-package \
 && npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@node-llama-cpp/*-cuda* node_modules/@node-llama-cpp/*-vulkan*

# ---- runtime ----
FROM ${NODE_IMAGE}
# Fonts with Polish glyphs for rendering pages whose PDF does not embed its fonts; native tesseract
# (KWERENDA_OCR_ENGINE=auto picks it: ~1.5-1.8x faster a page than tesseract.js, same model).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core tesseract-ocr tesseract-ocr-pol \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    KWERENDA_DATA_DIR=/data \
    KWERENDA_HOST=0.0.0.0 \
    KWERENDA_PORT=3000
WORKDIR /app
# The code belongs to root and is read-only for the user the app runs as.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/docker/healthcheck.mjs ./docker/healthcheck.mjs
RUN ln -s /app/bin/kwerenda.js /usr/local/bin/kwerenda \
 && mkdir -p /data /skany /keys \
 && chown node:node /data /keys && chmod 700 /keys
# `node` (uid 1000) comes with the base image; new named volumes at /data and /keys inherit this ownership.
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=5 \
  CMD ["node", "/app/docker/healthcheck.mjs", "http", "http://127.0.0.1:3000/healthz"]
ENTRYPOINT ["kwerenda"]
CMD ["serve"]
