"""The server-rendered zscale preview (Firefly's fallback) and the GIF frames."""

import io

import numpy as np
import pytest
from astropy.io import fits
from django.urls import reverse
from PIL import Image

from catalogue.survey.imaging import zscale_limits, zscale_to_uint8
from catalogue.survey.models import CandidateFile
from rating.vetting.previews import PREVIEW_TARGET_PX


def preview(client, candidate, kind, query=""):
    return client.get(reverse("rating:preview", args=[candidate.pk, kind]) + query)


def stored_data(candidate, kind):
    stored = candidate.files.get(kind=kind)
    with stored.file.open("rb") as handle, fits.open(handle) as hdul:
        return np.asarray(hdul[0].data, dtype=float)


def test_deep_cutout_preview_is_a_zscaled_png_enlarged_by_a_whole_factor(
    rater_client, demo_candidate
):
    response = preview(rater_client, demo_candidate, "deepcutout_fits")
    image = Image.open(io.BytesIO(response.content))
    data = stored_data(demo_candidate, CandidateFile.Kind.DEEPCUTOUT_FITS)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert image.format == "PNG"
    assert data.shape == (32, 32)  # demo cutouts in tests
    assert image.size == (PREVIEW_TARGET_PX, PREVIEW_TARGET_PX)  # 32 px × 8
    pixels = np.asarray(image)
    # zscale of the FITS, FITS row 0 at the bottom, each pixel an 8×8 block
    expected = np.flipud(zscale_to_uint8(data))
    assert np.array_equal(pixels[::8, ::8], expected)


def test_each_cube_plane_has_a_preview_on_the_cube_stretch(
    rater_client, demo_candidate
):
    cube = stored_data(demo_candidate, CandidateFile.Kind.SLICES_FITS)
    assert cube.shape == (4, 16, 16)

    planes = [
        preview(rater_client, demo_candidate, "slices_fits", f"?plane={n}")
        for n in range(4)
    ]
    images = [Image.open(io.BytesIO(r.content)) for r in planes]

    assert all(r.status_code == 200 for r in planes)
    assert {image.size for image in images} == {(256, 256)}
    assert np.array_equal(
        np.asarray(images[2])[::16, ::16],
        np.flipud(zscale_to_uint8(cube[2], zscale_limits(cube))),
    )
    assert len({r.content for r in planes}) == 4
    own = preview(rater_client, demo_candidate, "slices_fits", "?plane=2&stretch=plane")
    assert np.array_equal(
        np.asarray(Image.open(io.BytesIO(own.content)))[::16, ::16],
        np.flipud(zscale_to_uint8(cube[2])),
    )
    bad = preview(rater_client, demo_candidate, "slices_fits", "?stretch=log")
    assert bad.status_code == 400 and "stretch" in bad.json()["error"]


def test_a_flare_stands_out_on_the_shared_stretch(db, tmp_path):
    """One zscale for all planes keeps the flaring plane brighter than the quiet
    ones; scaling each plane alone stretches every plane to the same range."""
    from rating.vetting.previews import fits_preview_png

    rng = np.random.default_rng(3)
    cube = rng.normal(0.0, 1e-4, size=(4, 16, 16))
    cube[2] += 5e-4  # the field brightens in plane 2 only

    class Stored:
        sha256 = "flare-test"
        filename = "flare_slices.fits"

        class file:
            @staticmethod
            def open(mode):
                path = tmp_path / "flare.fits"
                fits.PrimaryHDU(cube).writeto(path, overwrite=True)
                return path.open(mode)

    def mean_level(plane, stretch):
        png = fits_preview_png(Stored, plane, stretch)
        return np.asarray(Image.open(io.BytesIO(png))).mean()

    assert mean_level(2, "cube") > mean_level(0, "cube") + 100
    assert abs(mean_level(2, "plane") - mean_level(0, "plane")) < 40


def test_the_shared_stretch_is_one_zscale_over_the_cutout_and_the_cube(
    rater_client, demo_candidate
):
    """`?stretch=shared`: both panels on the zscale of all their pixels
    together, so the same flux is the same grey side by side."""
    deep = stored_data(demo_candidate, CandidateFile.Kind.DEEPCUTOUT_FITS)
    cube = stored_data(demo_candidate, CandidateFile.Kind.SLICES_FITS)
    files = [
        demo_candidate.files.get(kind=kind)
        for kind in ("deepcutout_fits", "slices_fits")
    ]
    # The files in the order the server takes them (zscale samples with a stride).
    by_sha = sorted(zip(files, (deep, cube)), key=lambda pair: pair[0].sha256)
    shared = zscale_limits(np.concatenate([data.ravel() for _, data in by_sha]))
    assert not np.allclose(shared, zscale_limits(deep))  # a different stretch

    deep_png = preview(
        rater_client, demo_candidate, "deepcutout_fits", "?stretch=shared"
    )
    plane_png = preview(
        rater_client, demo_candidate, "slices_fits", "?plane=1&stretch=shared"
    )

    assert deep_png.status_code == plane_png.status_code == 200
    assert np.array_equal(
        np.asarray(Image.open(io.BytesIO(deep_png.content)))[::8, ::8],
        np.flipud(zscale_to_uint8(deep, shared)),
    )
    assert np.array_equal(
        np.asarray(Image.open(io.BytesIO(plane_png.content)))[::16, ::16],
        np.flipud(zscale_to_uint8(cube[1], shared)),
    )


@pytest.mark.parametrize(
    "query",
    [
        "?plane=4",
        "?plane=-1",
        "?plane=x",
        "?plane=1.5",
        "?plane=inf",
        "?plane=%C2%B2",  # a superscript two: a Unicode digit, not a number
        "?plane=" + "9" * 5000,  # past Python's int-from-text limit
    ],
)
def test_missing_or_malformed_plane_is_a_400_with_an_error(
    rater_client, demo_candidate, query
):
    response = preview(rater_client, demo_candidate, "slices_fits", query)
    assert response.status_code == 400
    assert "plane" in response.json()["error"]


def test_beam_map_fits_preview_and_unknown_kind(rater_client, demo_candidate):
    assert preview(rater_client, demo_candidate, "chisquare_fits").status_code == 200
    assert preview(rater_client, demo_candidate, "slices_gif").status_code == 404


def test_gif_frames_are_served_as_pngs(rater_client, demo_candidate):
    frames = [
        rater_client.get(reverse("rating:gif_frame", args=[demo_candidate.pk, n]))
        for n in range(4)
    ]
    assert all(Image.open(io.BytesIO(f.content)).format == "PNG" for f in frames)
    assert len({f.content for f in frames}) == 4
    beyond = rater_client.get(reverse("rating:gif_frame", args=[demo_candidate.pk, 4]))
    assert beyond.status_code == 400


def test_a_shared_stretch_with_an_unreadable_companion_keeps_the_cube_stretch(
    db, tmp_path
):
    from rating.vetting.previews import fits_preview_png

    cube = np.random.default_rng(5).normal(0.0, 1e-4, size=(3, 8, 8))
    path = tmp_path / "cube.fits"
    fits.PrimaryHDU(cube).writeto(path)

    def stored(sha, file_path):
        class Stored:
            sha256 = sha
            filename = file_path.name

            class file:
                @staticmethod
                def open(mode):
                    return file_path.open(mode)

        return Stored

    readable = stored("cube-sha", path)
    missing = stored("missing-sha", tmp_path / "gone.fits")

    shared = fits_preview_png(readable, 1, "shared", companion=missing)

    assert shared == fits_preview_png(readable, 1, "cube")
