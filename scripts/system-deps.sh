#!/usr/bin/env bash
# Installs the Debian packages the project needs, only when they are missing, so a fresh
# machine (or CI on a clean clone) gets them and an already-set-up one pays nothing.
#   postgresql       throwaway test cluster (initdb/pg_ctl); the store suite runs on it too
#   libfribidi0      Pillow's RAQM text layout (bidi, shaping) for the cards
#   chromium         headless browser for the preview-page tests and the cards benchmark
#   fonts-noto-color-emoji  colour emoji fallback on cards
#   systemd          systemd-analyze, to verify deploy/vignettes.service in the tests
#   tesseract-ocr, tesseract-ocr-eng  OCR, so the card tests read the key figure off the PNG
#   npm              `make frontend`: npm ci of the NHS design system for the web console
set -euo pipefail

want=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want+=(postgresql)
ldconfig -p 2>/dev/null | grep -q 'libfribidi.so.0' || want+=(libfribidi0)
if [ "${1:-}" != "--no-browser" ]; then
  command -v chromium >/dev/null 2>&1 || want+=(chromium)
fi
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || want+=(fonts-noto-color-emoji)
command -v systemd-analyze >/dev/null 2>&1 || want+=(systemd)
command -v tesseract >/dev/null 2>&1 || want+=(tesseract-ocr)
ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata >/dev/null 2>&1 || want+=(tesseract-ocr-eng)
command -v npm >/dev/null 2>&1 || want+=(npm)

if [ ${#want[@]} -eq 0 ]; then
  exit 0
fi
echo "system-deps: installing ${want[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "system-deps: need root to install: ${want[*]} (apt-get install ${want[*]})" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
