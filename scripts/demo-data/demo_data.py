#!/usr/bin/env python3
"""Builds the parts of demo-data/ that need no image codec (run by scripts/make-demo-data.sh).

  demo_data.py pets PETS_DIR OUT_DIR LIST_FILE
      Picks the Oxford-IIIT Pets subset from PETS_DIR (images/ + split_zhou_OxfordPets.json),
      writes OUT_DIR/split_zhou_OxfordPets.json and LIST_FILE ("source<TAB>destination" per image)
      for ResizeJpeg.java to downscale.
  demo_data.py fashion FASHION_DIR OUT_DIR
      Writes the Fashion-MNIST subset as OUT_DIR/{train,val,test}/<class>/<index>.png.

Standard library + numpy only. Everything is deterministic: no randomness, sorted inputs,
PNGs written with fixed zlib settings.
"""

import gzip
import json
import os
import struct
import sys
import zlib

import numpy as np

# (split in the output, split of the shared file it comes from, images per class)
PETS_PICK = [("train", "train", 16), ("val", "val", 4), ("test", "test", 24)]

FASHION_CLASSES = ["t-shirt", "trouser", "pullover", "dress", "coat",
                   "sandal", "shirt", "sneaker", "bag", "ankle boot"]
FASHION_TRAIN, FASHION_VAL, FASHION_TEST = 16, 4, 30


def pets(pets_dir, out_dir, list_file):
    with open(os.path.join(pets_dir, "split_zhou_OxfordPets.json"), encoding="utf-8") as f:
        shared = json.load(f)
    labels = sorted({(e[1], e[2]) for e in shared["train"]})
    names = dict(labels)
    if sorted(names) != list(range(len(names))):
        sys.exit(f"pets: labels in the shared split are not 0..C-1: {labels}")
    out = {}
    pairs = []
    for split, source, n in PETS_PICK:
        entries = []
        for label in sorted(names):
            own = sorted((e for e in shared[source] if e[1] == label), key=lambda e: e[0])
            if len(own) < n:
                sys.exit(f"pets: {source} has {len(own)} images of {names[label]}, need {n}")
            for path, lab, cname in own[:n]:
                if cname != names[label]:
                    sys.exit(f"pets: {path} has class name {cname}, expected {names[label]}")
                entries.append([path, lab, cname])
                pairs.append((os.path.join(pets_dir, "images", path),
                              os.path.join(out_dir, "images", path)))
        out[split] = entries
    seen = [p for p, _ in pairs]
    if len(set(seen)) != len(seen):
        sys.exit("pets: an image was picked twice")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "split_zhou_OxfordPets.json"), "w", encoding="utf-8") as f:
        # one entry per line: readable diffs, still CoOp's format
        f.write("{\n")
        for i, (split, _, _) in enumerate(PETS_PICK):
            f.write(f'  "{split}": [\n')
            rows = [json.dumps(e) for e in out[split]]
            f.write(",\n".join("    " + r for r in rows))
            f.write("\n  ]" + (",\n" if i < len(PETS_PICK) - 1 else "\n"))
        f.write("}\n")
    with open(list_file, "w", encoding="utf-8") as f:
        for src, dst in pairs:
            f.write(f"{src}\t{dst}\n")
    counts = {s: len(v) for s, v in out.items()}
    print(f"pets: classes {[names[k] for k in sorted(names)]}, images per split {counts}")


def read_idx(path, magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    got, = struct.unpack(">I", data[:4])
    if got != magic:
        sys.exit(f"{path}: magic {got:#x}, expected {magic:#x}")
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def write_png_gray(path, img):
    """8-bit greyscale PNG (colour type 0), filter 0 on every row, zlib level 9, no extra chunks."""
    h, w = img.shape

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9))
           + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


def fashion(fashion_dir, out_dir):
    sets = {}
    for prefix in ("train", "t10k"):
        images = read_idx(os.path.join(fashion_dir, f"{prefix}-images-idx3-ubyte.gz"), 0x803)
        labels = read_idx(os.path.join(fashion_dir, f"{prefix}-labels-idx1-ubyte.gz"), 0x801)
        if images.shape[0] != labels.shape[0] or images.shape[1:] != (28, 28):
            sys.exit(f"fashion: unexpected shapes {images.shape} / {labels.shape} for {prefix}")
        sets[prefix] = (images, labels)
    # (output split, source file, first index in the class's file order, count)
    plan = [("train", "train", 0, FASHION_TRAIN),
            ("val", "train", FASHION_TRAIN, FASHION_VAL),
            ("test", "t10k", 0, FASHION_TEST)]
    total = 0
    for split, source, start, n in plan:
        images, labels = sets[source]
        for label, cname in enumerate(FASHION_CLASSES):
            idx = np.flatnonzero(labels == label)[start:start + n]
            if len(idx) != n:
                sys.exit(f"fashion: {source} has too few images of {cname}")
            d = os.path.join(out_dir, split, cname)
            os.makedirs(d, exist_ok=True)
            for i in idx:
                # named by the image's index in its Fashion-MNIST file (train or t10k)
                write_png_gray(os.path.join(d, f"{int(i):05d}.png"), images[i])
                total += 1
    print(f"fashion: wrote {total} PNGs ({FASHION_TRAIN}/{FASHION_VAL}/{FASHION_TEST} per class, "
          f"{len(FASHION_CLASSES)} classes)")


def main(argv):
    if len(argv) == 5 and argv[1] == "pets":
        pets(argv[2], argv[3], argv[4])
    elif len(argv) == 4 and argv[1] == "fashion":
        fashion(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
