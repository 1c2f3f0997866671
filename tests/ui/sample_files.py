"""Small real files for the attachment tests, made here (python3's standard
library only): a PNG any image viewer opens, standing in for the photo of
signed paper minutes."""
import struct
import zlib


def png(width=120, height=90, seed=0):
    """A real RGB PNG: a paper-coloured page with dark 'lines of text' and a red stamp; `seed` varies the bytes."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter: none
        for x in range(width):
            r, g, b = 246, 242, 230  # paper
            if 10 <= y < height - 10 and y % 8 < 2 and 8 <= x < width - 8 - (y * 7 + seed) % 30:
                r, g, b = 40, 40, 60  # a line of text
            if (x - width + 28) ** 2 + (y - height + 24) ** 2 < 150:
                r, g, b = 200, 30, 30  # the stamp
            row += bytes((r, g, b))
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))
