"""A minimal PNG reader (8-bit RGB, non-interlaced, as Mural writes), so the tests need no imaging library."""

import struct
import zlib

import numpy as np


def read_rgb(path) -> np.ndarray:
    with open(path, "rb") as file:
        data = file.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG file"
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert (depth, colour, interlace) == (8, 2, 0), f"{path}: only 8-bit RGB, non-interlaced PNGs are read here"
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(height, 1 + 3 * width)
    out = np.zeros((height, 3 * width), np.int32)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        above = out[y - 1] if y else np.zeros(3 * width, np.int32)
        if kind == 0:
            out[y] = line
        elif kind == 2:
            out[y] = (line + above) & 0xFF
        else:  # Sub, Average, Paeth depend on the left neighbour: decode pixel by pixel.
            row = out[y]
            for x in range(3 * width):
                left = row[x - 3] if x >= 3 else 0
                up_left = above[x - 3] if x >= 3 else 0
                if kind == 1:
                    predictor = left
                elif kind == 3:
                    predictor = (left + above[x]) // 2
                else:
                    p = left + above[x] - up_left
                    pa, pb, pc = abs(p - left), abs(p - above[x]), abs(p - up_left)
                    predictor = left if pa <= pb and pa <= pc else above[x] if pb <= pc else up_left
                row[x] = (line[x] + predictor) & 0xFF
    return out.astype(np.uint8).reshape(height, width, 3)
