#!/usr/bin/env bash
# Installs the Debian packages the project needs, only when they are missing, so a fresh
# machine (or CI on a clean clone) gets them and an already-set-up one pays nothing.
# What `make run` needs:
#   libfribidi0      Pillow's RAQM text layout (bidi, shaping) for the cards
#   fonts-noto-color-emoji  colour emoji fallback on cards
#   npm              `make frontend`: npm ci of the NHS design system for the web console
# What `make test` adds:
#   postgresql       throwaway test cluster (initdb/pg_ctl); the store suite runs on it too
#   chromium         headless browser for the console's and the preview page's tests
#   systemd          systemd-analyze, to verify deploy/vignettes.service in the tests
#   tesseract-ocr, tesseract-ocr-eng  OCR, so the card tests read the key figure off the PNG
# Usage: system-deps.sh [--run | --no-browser] [--list]
#   --run         only what `make run` needs
#   --no-browser  everything but Chromium
#   --list        print the packages that would be installed, and install nothing
set -euo pipefail

mode=all
list=no
for arg in "$@"; do
  case "$arg" in
    --run) mode=run ;;
    --no-browser) mode=no-browser ;;
    --list) list=yes ;;
    *) echo "system-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

want=()
ldconfig -p 2>/dev/null | grep -q 'libfribidi.so.0' || want+=(libfribidi0)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || want+=(fonts-noto-color-emoji)
command -v npm >/dev/null 2>&1 || want+=(npm)
if [ "$mode" != run ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want+=(postgresql)
  if [ "$mode" != no-browser ]; then
    command -v chromium >/dev/null 2>&1 || want+=(chromium)
  fi
  command -v systemd-analyze >/dev/null 2>&1 || want+=(systemd)
  command -v tesseract >/dev/null 2>&1 || want+=(tesseract-ocr)
  ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata >/dev/null 2>&1 || want+=(tesseract-ocr-eng)
fi

if [ "$list" = yes ]; then
  echo "${want[*]}"
  exit 0
fi
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
