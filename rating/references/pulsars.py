"""Read an ATNF pulsar catalogue database file (`psrcat.db`) into `Pulsar` rows.

The file is a list of records separated by lines starting with `@`; each
line inside a record is `KEY value [error] [reference]`. We keep PSRJ
(name), the position, P0 (s; or 1/F0 when only the frequency in Hz is
given), DM (pc cm⁻³) and S400 (flux density at 400 MHz, mJy).

The position is RAJ (hh:mm:ss.s) and DECJ (±dd:mm:ss), J2000. Pulsars timed
in ecliptic coordinates are given only as ELONG and ELAT (deg, on the mean
ecliptic and equinox of J2000); those are converted to ICRS with astropy, so
a pulsar is never missing from the nearby list for the way it was timed.
Records with neither position are skipped and counted; a malformed value is
an error naming the line, and nothing is written.
"""

from dataclasses import dataclass, field

import astropy.units as u
from astropy.coordinates import Angle, BarycentricMeanEcliptic, SkyCoord
from django.db import transaction

from rating.models import Pulsar


class PsrcatError(ValueError):
    """A psrcat file that cannot be read; the message names the line."""


@dataclass
class PsrcatContent:
    """Parsed pulsars (dicts of Pulsar field values) and skipped record names."""

    pulsars: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def _float(text, line_number, key):
    try:
        return float(text.replace("D", "E"))
    except ValueError:
        raise PsrcatError(
            f"line {line_number}: {key} '{text}' is not a number"
        ) from None


def _angle_deg(text, unit, key, line_number):
    try:
        return Angle(text, unit=unit).deg
    except (ValueError, u.UnitsError):
        raise PsrcatError(
            f"line {line_number}: {key} '{text}' is not a sexagesimal angle"
        ) from None


def _record_values(record):
    """Field values of a record {KEY: (value, line)}; None if it has no position."""
    if "PSRJ" not in record:
        raise PsrcatError(
            f"line {min(n for _, n in record.values())}: record has no PSRJ"
        )
    position = _equatorial_deg(record) or _ecliptic_as_icrs_deg(record)
    if position is None:
        return None
    values = {"name": record["PSRJ"][0], **position}
    period = None
    if "P0" in record:
        period = _float(*record["P0"], "P0")
    elif "F0" in record:
        frequency = _float(*record["F0"], "F0")
        period = 1.0 / frequency if frequency else None
    values["period_s"] = period
    values["dm"] = _optional_float(record, "DM")
    values["s400_mjy"] = _optional_float(record, "S400")
    return values


def _optional_float(record, key):
    return _float(*record[key], key) if key in record else None


def _equatorial_deg(record):
    """{ra_deg, dec_deg} from RAJ/DECJ (J2000), or None when not given."""
    if "RAJ" not in record or "DECJ" not in record:
        return None
    ra_text, ra_line = record["RAJ"]
    dec_text, dec_line = record["DECJ"]
    ra_deg = _angle_deg(ra_text, u.hourangle, "RAJ", ra_line) % 360.0
    dec_deg = _angle_deg(dec_text, u.deg, "DECJ", dec_line)
    if not -90.0 <= dec_deg <= 90.0:
        raise PsrcatError(f"line {dec_line}: DECJ '{dec_text}' is outside ±90°")
    return {"ra_deg": ra_deg, "dec_deg": dec_deg}


def _ecliptic_as_icrs_deg(record):
    """{ra_deg, dec_deg} (ICRS) from ELONG/ELAT (deg, J2000 ecliptic), or None."""
    if "ELONG" not in record or "ELAT" not in record:
        return None
    elong_deg = _float(*record["ELONG"], "ELONG")
    elat_deg = _float(*record["ELAT"], "ELAT")
    if not -90.0 <= elat_deg <= 90.0:
        raise PsrcatError(
            f"line {record['ELAT'][1]}: ELAT '{record['ELAT'][0]}' is outside ±90°"
        )
    ecliptic = SkyCoord(
        lon=elong_deg * u.deg,
        lat=elat_deg * u.deg,
        frame=BarycentricMeanEcliptic(equinox="J2000"),
    )
    icrs = ecliptic.icrs
    return {"ra_deg": icrs.ra.deg % 360.0, "dec_deg": icrs.dec.deg}


def parse_psrcat(text):
    """Parse the text of a psrcat database file into a `PsrcatContent`."""
    content = PsrcatContent()
    record = {}

    def finish():
        if record:
            values = _record_values(record)
            if values is None:
                content.skipped.append(record["PSRJ"][0])
            else:
                content.pulsars.append(values)
            record.clear()

    for line_number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("@"):
            finish()
            continue
        parts = stripped.split()
        if len(parts) < 2:
            raise PsrcatError(f"line {line_number}: '{stripped}' has no value")
        record.setdefault(parts[0].upper(), (parts[1], line_number))
    finish()
    if not content.pulsars and not content.skipped:
        raise PsrcatError("no pulsar records found (is this a psrcat.db file?)")
    names = [values["name"] for values in content.pulsars]
    if len(set(names)) != len(names):
        duplicate = next(name for name in names if names.count(name) > 1)
        raise PsrcatError(f"pulsar {duplicate} appears twice")
    return content


def load_pulsars(text):
    """Replace the pulsar table with the file's pulsars (one transaction).

    Returns the `PsrcatContent` that was loaded. Re-loading the same file
    leaves the same rows.
    """
    content = parse_psrcat(text)
    with transaction.atomic():
        Pulsar.objects.all().delete()
        Pulsar.objects.bulk_create(
            [Pulsar(**values) for values in content.pulsars], batch_size=1000
        )
    return content
