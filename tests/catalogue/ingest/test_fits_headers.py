"""FITS files are checked from their header blocks: structure, truncation,
no data read (so a large cube costs what its headers cost)."""

import io

import numpy as np
import pytest
from astropy.io import fits

from catalogue.ingest.fits_headers import FitsStructureError, check_fits_structure


class CountingReader(io.BytesIO):
    """A file that counts the bytes read from it."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def fits_bytes(*hdus):
    buffer = io.BytesIO()
    fits.HDUList(list(hdus)).writeto(buffer)
    return buffer.getvalue()


def test_a_large_cube_is_checked_without_reading_its_data():
    data = fits_bytes(fits.PrimaryHDU(np.zeros((50, 200, 200), dtype=np.float32)))
    reader = CountingReader(data)

    assert check_fits_structure(reader, len(data)) == (3, 1)
    assert len(data) > 8_000_000 and reader.read_bytes <= 2 * 2880


def test_extensions_are_walked():
    data = fits_bytes(
        fits.PrimaryHDU(),
        fits.ImageHDU(np.ones((4, 4))),
        fits.BinTableHDU.from_columns([fits.Column("x", "E", array=[1.0, 2.0])]),
    )
    assert check_fits_structure(io.BytesIO(data), len(data)) == (0, 3)


def test_trailing_zero_padding_is_accepted():
    data = fits_bytes(fits.PrimaryHDU(np.ones((8, 8)))) + b"\0" * 2880
    assert check_fits_structure(io.BytesIO(data), len(data)) == (2, 1)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: d[:4000], "truncated: its headers declare"),
        (
            lambda d: d.replace(
                b"BITPIX  =                  -64", b"BITPIX  =                   12"
            ),
            "BITPIX 12",
        ),
        (lambda d: d.replace(b"END" + b" " * 77, b" " * 80), "no END card"),
        (lambda d: d.replace(b"NAXIS1  =", b"NAXISX  ="), "NAXIS1 card missing"),
    ],
    ids=["truncated", "bad-bitpix", "no-end", "no-naxis1"],
)
def test_broken_structure_is_refused(damage, message):
    data = damage(fits_bytes(fits.PrimaryHDU(np.ones((40, 40)))))
    with pytest.raises(FitsStructureError, match=message):
        check_fits_structure(io.BytesIO(data), len(data))
