"""Check a FITS file's structure from its headers, without reading its data.

Opening a file with astropy costs about 3 ms (a header object per HDU, card
parsing and verification); an upload of thousands of cutouts spends more
time there than on the bytes. This reads the 2880-byte header blocks of
every HDU itself, checks the mandatory cards (SIMPLE/XTENSION, BITPIX,
NAXIS, NAXISn; PCOUNT/GCOUNT of extensions), every card's printable ASCII
and the END card, and that the file holds the data the headers declare:
about 50 µs a file. astropy still reads DATE-OBS where it matters
(`catalogue.ingest.files`).
"""

import math
import re

BLOCK_BYTES = 2880
CARD_BYTES = 80
VALID_BITPIX = {8, 16, 32, 64, -32, -64}
# Headers longer than this are refused rather than read on (blocks).
MAX_HEADER_BLOCKS = 1000
_INTEGER = re.compile(rb"^\s*([+-]?\d+)\s*(?:/.*)?$")
_PRINTABLE = re.compile(rb"^[\x20-\x7e]*$")


class FitsStructureError(ValueError):
    """The file is not a FITS file its headers describe; the message says why."""


def _header_cards(fileobj):
    """{keyword: raw value bytes} of one header and the bytes it took, or
    None at the end of the file."""
    cards, blocks = {}, 0
    while True:
        block = fileobj.read(BLOCK_BYTES)
        if blocks == 0 and not block.strip(b"\0"):
            return None, 0  # the end, or zero padding some writers add
        if len(block) < BLOCK_BYTES:
            raise FitsStructureError("header ends before its END card")
        if not _PRINTABLE.match(block):
            raise FitsStructureError(
                "header holds bytes that are not ASCII text (or has no END card)"
            )
        blocks += 1
        for start in range(0, BLOCK_BYTES, CARD_BYTES):
            card = block[start : start + CARD_BYTES]
            keyword = card[:8].rstrip()
            if keyword == b"END":
                return cards, blocks * BLOCK_BYTES
            if card[8:10] == b"= " and keyword not in cards:
                cards[keyword] = card[10:]
        if blocks >= MAX_HEADER_BLOCKS:
            raise FitsStructureError("header has no END card")


def _integer(cards, keyword, default=None):
    raw = cards.get(keyword)
    if raw is None:
        if default is None:
            raise FitsStructureError(f"{keyword.decode()} card missing")
        return default
    match = _INTEGER.match(raw)
    if not match:
        raise FitsStructureError(f"{keyword.decode()} is not an integer")
    return int(match.group(1))


def _data_bytes(cards, primary):
    """Bytes of the data an HDU's header declares, padded to whole blocks."""
    bitpix = _integer(cards, b"BITPIX")
    if bitpix not in VALID_BITPIX:
        raise FitsStructureError(f"BITPIX {bitpix} is not a FITS data type")
    naxis = _integer(cards, b"NAXIS")
    if not 0 <= naxis <= 999:
        raise FitsStructureError(f"NAXIS {naxis} is out of range")
    axes = [_integer(cards, f"NAXIS{n}".encode()) for n in range(1, naxis + 1)]
    if any(length < 0 for length in axes):
        raise FitsStructureError("an NAXISn is negative")
    if primary and axes and axes[0] == 0:  # random groups: NAXIS1 = 0
        axes = axes[1:]
    elements = math.prod(axes) if axes else 0
    pcount = 0 if primary else _integer(cards, b"PCOUNT", 0)
    gcount = 1 if primary else _integer(cards, b"GCOUNT", 1)
    size = abs(bitpix) // 8 * gcount * (pcount + elements)
    return -(-size // BLOCK_BYTES) * BLOCK_BYTES, naxis


def check_fits_structure(fileobj, size):
    """Walk every HDU of an open FITS file of `size` bytes.

    Returns the primary HDU's NAXIS and the number of HDUs; raises
    `FitsStructureError` for a missing SIMPLE card, a broken header, or data
    shorter than declared (a truncated file). Only headers are read: the
    data is skipped by seeking.
    """
    cards, used = _header_cards(fileobj)
    if cards is None or cards.get(b"SIMPLE", b"").strip()[:1] != b"T":
        raise FitsStructureError("no SIMPLE = T card")
    offset, hdus, primary_naxis = 0, 0, None
    while cards is not None:
        primary = hdus == 0
        if not primary and b"XTENSION" not in cards:
            raise FitsStructureError(f"HDU {hdus} has no XTENSION card")
        data, naxis = _data_bytes(cards, primary)
        primary_naxis = naxis if primary else primary_naxis
        offset += used + data
        if offset > size:
            raise FitsStructureError(
                f"truncated: its headers declare {offset} bytes, the file has {size}"
            )
        hdus += 1
        fileobj.seek(offset)
        if offset == size:
            break
        cards, used = _header_cards(fileobj)
    return primary_naxis, hdus
