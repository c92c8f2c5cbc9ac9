"""Uploading a material's file and downloading it: size limit, type read from the content, pictures saved
again without their hidden data, random names in private storage, attachment-only downloads."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

from materials import services as material_services
from materials import uploads
from materials.models import Language, Material, Topic
from tests import factories, samples

MB = 1024 * 1024
CREATE = reverse("materials:create")

PDF = samples.pdf()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + b"\x00" * 64 + b"This program cannot be run"
HTML = samples.HTML_PAGE
MP4 = samples.mp4()
WEBM = samples.webm()
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00"
PPTX = samples.pptx()
DOCX = samples.docx()
ODP = samples.odp()
ODT = samples.odt()
ZIP = samples.zip_of([("readme.txt", b"hello")])


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Artist] = "Maria Rossi"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 50.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (10.0, 30.0, 15.0)
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(out, "JPEG", exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture carries a position
    return data


def png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Maria Rossi")
    info.add_text("Comment", "CAS via Roma 1, Lucca")
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (0, 128, 0, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def upload(content: bytes, name: str = "file.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MATERIAL_MAX_UPLOAD_MB = 1
    return settings.MEDIA_ROOT


@pytest.fixture
def operator(db):
    return factories.OperatorFactory(username="op_a", language="en")


@pytest.fixture
def coordinator(db):
    return factories.CoordinatorFactory(username="coord", language="en")


@pytest.fixture
def admin_user(db):
    return factories.AdminFactory(username="admin_role", language="en")


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def form_data(**overrides) -> dict:
    data = {
        "title": "Kit informativo: la tratta",
        "kind": Material.Kind.LEAFLET,
        "languages": [Language.objects.get(code="en").pk, Language.objects.get(code="fr").pk],
        "topics": [Topic.objects.get(code="law").pk],
        "description": "",
        "url": "",
    }
    data.update(overrides)
    return data


# The checks themselves -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "mime", "extension"),
    [
        (PDF, "application/pdf", "pdf"),
        (MP4, "video/mp4", "mp4"),
        (WEBM, "video/webm", "webm"),
        (PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
        (ODP, "application/vnd.oasis.opendocument.presentation", "odp"),
        (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        (ODT, "application/vnd.oasis.opendocument.text", "odt"),
    ],
)
def test_it_accepts_the_library_kinds_by_their_content(content, mime, extension):
    checked = uploads.check_upload(upload(content, name="anything.bin", content_type="application/octet-stream"))
    assert (checked.mime, checked.extension, checked.size) == (mime, extension, len(content))


@pytest.mark.parametrize(
    ("content", "name", "declared"),
    [
        (EXE, "leaflet.pdf", "application/pdf"),
        (HTML, "leaflet.pdf", "application/pdf"),
        (HTML, "video.mp4", "video/mp4"),
        (GIF, "picture.png", "image/png"),
        (ZIP, "slides.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        (b"just some text, no magic at all", "notes.docx", "application/msword"),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, "slides.odp", "application/vnd.oasis.opendocument.presentation"),
    ],
)
def test_it_refuses_other_content_whatever_its_name_and_declared_type(content, name, declared):
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(upload(content, name=name, content_type=declared))
    assert exc.value.code == "type_not_allowed"


def test_it_checks_the_size_before_reading_the_file():
    class Unread(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("the file was read before its size was checked")

    big = Unread("big.pdf", PDF, content_type="application/pdf")
    big.size = MB + 1
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(big)
    assert exc.value.code == "too_large"


def test_it_accepts_a_file_of_exactly_the_limit():
    exact = samples.pdf(size=MB)
    assert uploads.check_upload(upload(exact)).size == MB


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(upload(b""))
    assert exc.value.code == "empty"


def test_it_refuses_a_broken_image():
    broken = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(upload(broken, "p.png", "image/png"))
    assert exc.value.code == "bad_image"


def test_it_saves_a_jpeg_again_without_exif():
    checked = uploads.check_upload(upload(jpeg_with_gps(), "IMG_0001.jpg", "image/jpeg"))
    data = checked.data
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert image.size == (40, 20)
    assert not image.getexif()
    assert b"Exif" not in data
    assert b"Maria Rossi" not in data
    assert checked.size == len(data)


def test_it_saves_a_png_again_without_text_chunks():
    checked = uploads.check_upload(upload(png_with_text(), "scan.png", "image/png"))
    data = checked.data
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.mode == "RGBA"
    assert not image.text
    assert b"Maria Rossi" not in data
    assert b"Lucca" not in data


def test_it_keeps_the_picture_upright_when_dropping_the_orientation_tag():
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotated 90°: a phone held upright
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "blue").save(out, "JPEG", exif=exif)
    checked = uploads.check_upload(upload(out.getvalue(), "p.jpg", "image/jpeg"))
    assert Image.open(io.BytesIO(checked.data)).size == (20, 40)


def test_the_service_only_takes_checked_files(coordinator):
    with pytest.raises(TypeError):
        material_services.material_create(
            data={"title": "x", "kind": "other", "file": upload(EXE)}, languages=[], by=coordinator
        )


# Through the page ------------------------------------------------------------------------------------------


def test_it_stores_a_pdf_under_a_random_name(coord_client, media):
    response = coord_client.post(CREATE, form_data(file=upload(PDF, name="Maria_Rossi_passaporto.pdf")))
    assert response.status_code == 302
    material = Material.objects.get()
    assert response.url == reverse("materials:detail", args=[material.pk])
    assert material.file_type == "application/pdf"
    assert material.file_size == len(PDF)
    assert material.url == ""
    name = material.file.name
    assert name.startswith("materials/")
    assert "Maria" not in name and "passaporto" not in name and not name.endswith(".pdf")
    assert [p.read_bytes() for p in stored_files(media)] == [PDF]
    assert stored_files(media)[0] == media / name
    assert {lang.code for lang in material.languages.all()} == {"en", "fr"}
    assert [t.code for t in material.topics.all()] == ["law"]


def test_two_uploads_of_the_same_name_get_different_names(coord_client):
    coord_client.post(CREATE, form_data(file=upload(PDF, name="kit.pdf")))
    coord_client.post(CREATE, form_data(title="Altro kit", file=upload(PDF, name="kit.pdf")))
    first, second = Material.objects.order_by("pk")
    assert first.file.name != second.file.name


@pytest.mark.parametrize(
    ("content", "name", "declared"),
    [(EXE, "leaflet.pdf", "application/pdf"), (HTML, "leaflet.pdf", "application/pdf")],
)
def test_it_refuses_a_renamed_executable_or_html_file_with_a_clear_message(
    coord_client, media, content, name, declared
):
    response = coord_client.post(CREATE, form_data(file=upload(content, name=name, content_type=declared)))
    assert response.status_code == 200
    assert response.context["form"].has_error("file", code="type_not_allowed")
    assert "This kind of file is not accepted, whatever its name says." in response.text
    assert not Material.objects.exists()
    assert stored_files(media) == []


def test_it_refuses_an_upload_over_the_limit_with_a_clear_message(coord_client, media, monkeypatch):
    def never(_upload):
        raise AssertionError("the oversized file reached the form: it should have been dropped as it arrived")

    monkeypatch.setattr("materials.forms.check_upload", never)
    response = coord_client.post(CREATE, form_data(file=upload(PDF + b"0" * MB)))
    assert response.status_code == 200
    assert response.context["form"].has_error("file", code="too_large")
    assert "The file is too large: the limit is 1.0\xa0MB." in response.text
    assert not Material.objects.exists()
    assert stored_files(media) == []


def test_it_stops_keeping_an_oversized_upload_as_it_arrives(rf, coordinator):
    """The handler drops the file as soon as it passes the limit; the other fields still arrive."""
    from django.test.client import encode_multipart

    body = encode_multipart("BoUnDaRy", {"title": "Grande", "file": upload(PDF + b"0" * (2 * MB))})
    request = rf.post(CREATE, data=body, content_type="multipart/form-data; boundary=BoUnDaRy")
    handler = uploads.SizeLimitUploadHandler(request, max_bytes=MB)
    request.upload_handlers = [handler, *request.upload_handlers]
    assert request.POST["title"] == "Grande"
    assert "file" not in request.FILES
    assert handler.refused


def test_it_stores_a_jpeg_without_its_gps_position(coord_client, media):
    response = coord_client.post(
        CREATE, form_data(kind=Material.Kind.OTHER, file=upload(jpeg_with_gps(), "IMG_20260101.jpg", "image/jpeg"))
    )
    assert response.status_code == 302
    material = Material.objects.get()
    stored = (media / material.file.name).read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not image.getexif()
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    assert (material.file_type, material.file_size) == ("image/jpeg", len(stored))


def test_it_keeps_csrf_protection_on_the_upload_form(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(CREATE, form_data(file=upload(PDF)))
    assert response.status_code == 403
    assert not Material.objects.exists()


def test_it_replaces_the_file_and_deletes_the_old_one_after_commit(
    coord_client, media, django_capture_on_commit_callbacks
):
    coord_client.post(CREATE, form_data(file=upload(PDF)))
    material = Material.objects.get()
    old = media / material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = coord_client.post(reverse("materials:edit", args=[material.pk]), form_data(file=upload(ODT)))
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.file_type == "application/vnd.oasis.opendocument.text"
    assert not old.exists()
    assert [p.read_bytes() for p in stored_files(media)] == [ODT]


def test_a_refused_replacement_keeps_the_current_file(coord_client, media):
    coord_client.post(CREATE, form_data(file=upload(PDF)))
    material = Material.objects.get()
    response = coord_client.post(reverse("materials:edit", args=[material.pk]), form_data(file=upload(HTML)))
    assert response.status_code == 200
    material.refresh_from_db()
    assert material.file_type == "application/pdf"
    assert [p.read_bytes() for p in stored_files(media)] == [PDF]


# Downloading -----------------------------------------------------------------------------------------------


@pytest.fixture
def pdf_material(coordinator, media):
    checked = uploads.check_upload(upload(PDF, name="Maria_Rossi.pdf"))
    return material_services.material_create(
        data={"title": "Kit informativo: la tratta", "kind": Material.Kind.LEAFLET},
        languages=[Language.objects.get(code="en")],
        upload=checked,
        by=coordinator,
    )


def download(material) -> str:
    return reverse("materials:download", args=[material.pk])


@pytest.mark.parametrize("client_name", ["op_client", "coord_client", "admin_client_role"])
def test_it_serves_the_file_as_an_attachment_named_after_the_title(request, client_name, pdf_material):
    response = request.getfixturevalue(client_name).get(download(pdf_material))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kit-informativo-la-tratta.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content) == PDF


def test_it_names_the_download_by_the_content_type(op_client, coordinator):
    checked = uploads.check_upload(upload(jpeg_with_gps(), "IMG_0001.jpg", "image/jpeg"))
    material = material_services.material_create(
        data={"title": "Mappa dei servizi", "kind": Material.Kind.OTHER},
        languages=[Language.objects.get(code="it")],
        upload=checked,
        by=coordinator,
    )
    response = op_client.get(download(material))
    assert response["Content-Disposition"] == 'attachment; filename="mappa-dei-servizi.jpg"'
    assert response["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("title", "header"),
    [
        ("Perché è importante", 'attachment; filename="perche-e-importante.pdf"'),
        ("ሓበሬታ", "attachment; filename*=utf-8''%E1%88%93%E1%89%A0%E1%88%AC%E1%89%B3.pdf"),
        ("???", 'attachment; filename="material.pdf"'),
    ],
)
def test_it_makes_a_safe_file_name_of_any_title(op_client, pdf_material, title, header):
    Material.objects.filter(pk=pdf_material.pk).update(title=title)
    assert op_client.get(download(pdf_material))["Content-Disposition"] == header


def test_an_inactive_material_downloads_only_for_those_who_manage_the_library(
    op_client, coord_client, admin_client_role, pdf_material, coordinator
):
    material_services.material_set_active(material=pdf_material, active=False, by=coordinator)
    assert op_client.get(download(pdf_material)).status_code == 404
    assert coord_client.get(download(pdf_material)).status_code == 200
    assert admin_client_role.get(download(pdf_material)).status_code == 200


def test_a_link_has_nothing_to_download(op_client):
    material = factories.MaterialFactory()
    assert op_client.get(download(material)).status_code == 404


def test_a_missing_file_answers_404(op_client, pdf_material, media):
    (media / pdf_material.file.name).unlink()
    assert op_client.get(download(pdf_material)).status_code == 404


def test_it_sends_anonymous_users_to_login(pdf_material):
    response = Client().get(download(pdf_material))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_files_from_users_without_permission(client, pdf_material):
    client.force_login(factories.UserFactory(language="en"))
    assert client.get(download(pdf_material)).status_code == 404


def test_it_refuses_to_change_files_through_the_download_url(coord_client, pdf_material):
    assert coord_client.post(download(pdf_material)).status_code == 405


def _patterns(patterns):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns)
        elif isinstance(p, URLPattern):
            yield p


def test_no_url_pattern_serves_the_media_root(coord_client, pdf_material):
    from django.views.static import serve

    assert all(p.callback is not serve for p in _patterns(get_resolver().url_patterns))
    assert coord_client.get("/" + pdf_material.file.name).status_code == 404
    assert coord_client.get("/media/" + pdf_material.file.name).status_code == 404


def test_files_are_stored_outside_the_static_paths():
    from ceis import settings as configured

    media_root = Path(configured.MEDIA_ROOT).resolve()
    for static in [configured.STATIC_ROOT, *configured.STATICFILES_DIRS]:
        static = Path(static).resolve()
        assert not media_root.is_relative_to(static)
        assert not static.is_relative_to(media_root)
    assert not getattr(configured, "MEDIA_URL", "")
    assert not getattr(configured, "WHITENOISE_ROOT", None)
