"""Every file the application accepts goes through the same checks; a new upload field fails here until reviewed.

The review of an upload (done for the materials library, ``groups/uploads.py``): a size limit enforced while the
file arrives; the type read from the content (``filetype``), never from the name or the declared type; images
re-encoded from their pixels (no EXIF/GPS); a random stored name under ``MEDIA_ROOT``, outside every static
path and with no URL of its own; download only through a permission-checked view, as an attachment.
Its tests are in ``tests/groups/test_material_uploads.py`` (GPS dropped from a stored JPEG, a renamed HTML
file refused, the size limit, random names, the download's headers and permissions).
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

REVIEWED = {"materials.Material.file"}


def test_every_file_field_of_the_project_has_been_reviewed():
    fields = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)  # ImageField included
    }
    assert fields == REVIEWED, "review the new upload (see this file's docstring), then add it to REVIEWED"


def test_every_file_field_stores_under_a_random_name():
    from materials.models import Material

    names = {Material._meta.get_field("file").generate_filename(Material(), "Passaporto Amina.pdf") for _ in range(2)}
    assert len(names) == 2
    assert not any("Amina" in name or "Passaporto" in name for name in names)
