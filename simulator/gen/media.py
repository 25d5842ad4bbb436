"""Small, valid PNG images generated from a seed: what feed posts attach and what download links serve."""

from __future__ import annotations

import random
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(rng: random.Random, width: int = 24, height: int = 16) -> bytes:
    """A striped RGB image; colours come from `rng`, so each image differs and is reproducible."""
    colours = [bytes((rng.randrange(256), rng.randrange(256), rng.randrange(256))) for _ in range(3)]
    rows = b"".join(b"\x00" + colours[(y // 4) % 3] * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")
