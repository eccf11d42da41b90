#!/usr/bin/env bash
# Regenerates demo-data/oxford_pets and demo-data/fashion_mnist (see demo-data/ATTRIBUTION.md).
#
#   scripts/make-demo-data.sh           rebuild demo-data/ in place
#   scripts/make-demo-data.sh --check   rebuild into a temporary folder and compare with demo-data/
#
# Needs: bash, python3 with numpy, a JDK 17+ (`java` runs scripts/demo-data/ResizeJpeg.java as a
# single-file program; no ImageMagick or Pillow), and
#   - Oxford-IIIT Pets subset: $SHARED_DATASETS/oxford_pets   (default: <repo>/../shared/datasets)
#   - Fashion-MNIST idx files: $FASHION_MNIST_DIR             (default: /usr/share/datasets/fashion-mnist,
#     from Debian's package: apt-get install -y dataset-fashion-mnist)
# demo-data/ATTRIBUTION.md is written by hand and left alone.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$REPO/scripts/demo-data"
SHARED_DATASETS="${SHARED_DATASETS:-$REPO/../shared/datasets}"
FASHION_MNIST_DIR="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
PETS_MAX_SIDE=112
PETS_QUALITY=85

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if [ ! -f "$SHARED_DATASETS/oxford_pets/split_zhou_OxfordPets.json" ]; then
  echo "make-demo-data: $SHARED_DATASETS/oxford_pets not found (set SHARED_DATASETS)" >&2; exit 1
fi
if [ ! -f "$FASHION_MNIST_DIR/train-images-idx3-ubyte.gz" ]; then
  echo "make-demo-data: Fashion-MNIST not found in $FASHION_MNIST_DIR" >&2
  echo "  install it with: apt-get install -y dataset-fashion-mnist (or set FASHION_MNIST_DIR)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
build="$work/demo-data"
mkdir -p "$build"

python3 "$HERE/demo_data.py" pets "$SHARED_DATASETS/oxford_pets" "$build/oxford_pets" "$work/pets.tsv"
java "$HERE/ResizeJpeg.java" "$work/pets.tsv" "$PETS_MAX_SIDE" "$PETS_QUALITY"
python3 "$HERE/demo_data.py" fashion "$FASHION_MNIST_DIR" "$build/fashion_mnist"

out="$REPO/demo-data"
if [ "$check" = 1 ]; then
  status=0
  for d in oxford_pets fashion_mnist; do
    diff -r "$build/$d" "$out/$d" || status=1
  done
  if [ "$status" = 0 ]; then echo "make-demo-data: demo-data/ matches a fresh build"; fi
  exit "$status"
fi

mkdir -p "$out"
for d in oxford_pets fashion_mnist; do
  rm -rf "${out:?}/$d"
  mv "$build/$d" "$out/$d"
done
echo "make-demo-data: wrote $out ($(du -sh "$out" | cut -f1))"
