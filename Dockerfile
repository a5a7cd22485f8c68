# docpipe on Debian slim, for the Kubernetes recipe (docs/recipes.md).
#   docker build -t docpipe .                          # without tesseract
#   docker build --build-arg TESSERACT=1 -t docpipe .  # local OCR of scans and images
# Not built where it was written (no docker there): see docs/install.md.
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/docpipe

FROM debian:bookworm-slim
ARG TESSERACT=0
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && if [ "$TESSERACT" = 1 ]; then apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng; fi \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 docpipe
COPY --from=build /src/target/release/docpipe /usr/local/bin/docpipe
USER docpipe
WORKDIR /work
ENTRYPOINT ["docpipe"]
CMD ["--help"]
