"""The materials library: operators browse it by language, topic and kind; coordinators and admins add,
change and deactivate materials (never delete them); a material has exactly one of a file or a link."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupSession
from materials import services as material_services
from materials.models import Language, Material, Topic
from tests import factories, samples

LIST = reverse("materials:list")
CREATE = reverse("materials:create")
QUERY_BUDGET = 11


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
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


def lang(code: str) -> Language:
    return Language.objects.get(code=code)


def topic(code: str) -> Topic:
    return Topic.objects.get(code=code)


@pytest.fixture
def library(db):
    """Three active materials and one inactive one, in several languages and topics."""
    return {
        "video": factories.MaterialFactory(
            title="Video: i tuoi diritti",
            kind=Material.Kind.VIDEO,
            languages=[lang("en"), lang("pcm")],
            topics=[topic("law")],
        ),
        "slides": factories.MaterialFactory(
            title="Slide sul sistema di aiuto",
            kind=Material.Kind.SLIDES,
            languages=[lang("fr")],
            topics=[topic("help"), topic("exploitation")],
        ),
        "leaflet": factories.MaterialFactory(
            title="Volantino Numero Verde",
            kind=Material.Kind.LEAFLET,
            languages=[lang("ti"), lang("en")],
            topics=[topic("help")],
        ),
        "old": factories.MaterialFactory(
            title="Vecchio video", kind=Material.Kind.VIDEO, languages=[lang("en")], active=False
        ),
    }


def titles(response) -> list[str]:
    return [m.title for m in response.context["page"].object_list]


def edit(material) -> str:
    return reverse("materials:edit", args=[material.pk])


def detail(material) -> str:
    return reverse("materials:detail", args=[material.pk])


def assert_clean_markup(html: str) -> None:
    """No inline scripts or styles (a strict CSP is ahead); every input has a label."""
    assert "style=" not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    for match in re.finditer(r'<(input|select|textarea)\b[^>]*\bid="([^"]+)"', html):
        if 'type="hidden"' in match.group(0):
            continue
        assert f'for="{match.group(2)}"' in html, f"no label for #{match.group(2)}"


def form_data(**overrides) -> dict:
    data = {
        "title": "Video sulla tratta",
        "kind": Material.Kind.VIDEO,
        "languages": [lang("en").pk],
        "topics": [topic("exploitation").pk],
        "description": "Per i CAS",
        "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    }
    data.update(overrides)
    return data


# Browsing --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["op_client", "coord_client", "admin_client_role"])
def test_it_lists_the_library_to_every_role(request, client_name, library):
    response = request.getfixturevalue(client_name).get(LIST)
    assert response.status_code == 200
    assert f'id="material-{library["video"].pk}"' in response.text
    assert "Nigerian Pidgin" in response.text
    assert_clean_markup(response.text)


def test_it_shows_operators_only_active_materials(op_client, library):
    response = op_client.get(LIST, {"status": "all"})
    assert titles(response) == ["Slide sul sistema di aiuto", "Video: i tuoi diritti", "Volantino Numero Verde"]
    assert "status" not in response.context["form"].fields


def test_it_shows_inactive_materials_to_coordinators_on_request(coord_client, library):
    assert titles(coord_client.get(LIST, {"status": "inactive"})) == ["Vecchio video"]
    assert len(titles(coord_client.get(LIST, {"status": "all"}))) == 4
    assert "Vecchio video" not in titles(coord_client.get(LIST))


def test_it_filters_by_language(op_client, library):
    assert titles(op_client.get(LIST, {"language": "en"})) == ["Video: i tuoi diritti", "Volantino Numero Verde"]
    assert titles(op_client.get(LIST, {"language": "ti"})) == ["Volantino Numero Verde"]
    assert titles(op_client.get(LIST, {"language": "so"})) == []


def test_it_filters_by_topic(op_client, library):
    assert titles(op_client.get(LIST, {"topic": "help"})) == ["Slide sul sistema di aiuto", "Volantino Numero Verde"]


def test_it_filters_by_kind(op_client, library):
    assert titles(op_client.get(LIST, {"kind": "slides"})) == ["Slide sul sistema di aiuto"]


def test_it_combines_filters(op_client, library):
    response = op_client.get(LIST, {"language": "en", "topic": "help", "kind": "leaflet"})
    assert titles(response) == ["Volantino Numero Verde"]


def test_it_searches_by_title_ignoring_case(op_client, library):
    assert titles(op_client.get(LIST, {"q": "NUMERO verde"})) == ["Volantino Numero Verde"]


def test_an_invalid_filter_never_breaks_the_page(op_client, library):
    response = op_client.get(LIST, {"language": "xx-nope", "topic": "?", "kind": "film", "page": "abc"})
    assert response.status_code == 200
    assert len(titles(response)) == 3


def test_it_says_when_nothing_matches(op_client, library):
    response = op_client.get(LIST, {"q": "nessun titolo simile"})
    assert 'id="no-materials"' in response.text
    assert "0 materials" in response.text


def test_it_paginates_and_keeps_the_filters(op_client):
    for n in range(30):
        factories.MaterialFactory(title=f"Video {n:02d}", languages=[lang("fr")])
    first = op_client.get(LIST, {"language": "fr"})
    assert len(titles(first)) == 25
    assert "?language=fr&amp;page=2" in first.text
    assert titles(op_client.get(LIST, {"language": "fr", "page": 2})) == [f"Video {n}" for n in range(25, 30)]


def _queries_for(client, count: int) -> int:
    Material.objects.all().delete()
    languages = list(Language.objects.filter(code__in=["en", "fr", "ti"]))
    topics = list(Topic.objects.all()[:2])
    for n in range(count):
        factories.MaterialFactory(title=f"M {n:03d}", languages=languages, topics=topics)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, {"language": "en"})
    assert response.status_code == 200
    assert len(titles(response)) == min(count, 25)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
def test_the_list_runs_the_same_queries_for_5_and_50_materials(db, request, client_name, django_assert_max_num_queries):
    client = request.getfixturevalue(client_name)
    client.get(LIST)  # warm the session and content type caches
    five = _queries_for(client, 5)
    fifty = _queries_for(client, 50)
    assert five == fifty
    with django_assert_max_num_queries(QUERY_BUDGET):
        client.get(LIST, {"language": "en"})


def test_it_hides_the_library_from_users_without_permission(client, library):
    client.force_login(factories.UserFactory(language="en"))
    assert client.get(LIST).status_code == 404
    assert client.get(detail(library["video"])).status_code == 404


def test_it_links_the_library_from_the_menu(op_client, coord_client, admin_client_role):
    for client in (op_client, coord_client, admin_client_role):
        assert f'href="{LIST}"' in client.get(reverse("notifications:list")).text


def test_it_offers_the_new_material_button_to_every_role(op_client, coord_client, admin_client_role):
    """Operators who run sessions add the materials they use (issue 15); coordinators retire any."""
    assert 'id="add-material"' in coord_client.get(LIST).text
    assert 'id="add-material"' in admin_client_role.get(LIST).text
    assert 'id="add-material"' in op_client.get(LIST).text


# The detail page -------------------------------------------------------------------------------------------


def test_it_shows_a_material(op_client, library):
    response = op_client.get(detail(library["slides"]))
    assert response.status_code == 200
    assert "Slide sul sistema di aiuto" in response.text
    assert "French" in response.text
    assert "The help system and how to reach it" in response.text
    assert 'id="edit-material"' not in response.text
    assert f'href="{library["slides"].url}" rel="noopener noreferrer"' in response.text
    assert_clean_markup(response.text)


def test_it_hides_an_inactive_material_from_operators(op_client, coord_client, library):
    assert op_client.get(detail(library["old"])).status_code == 404
    response = coord_client.get(detail(library["old"]))
    assert response.status_code == 200
    assert 'id="reactivate-material"' in response.text


def test_it_answers_404_for_an_unknown_material(op_client):
    assert op_client.get(reverse("materials:detail", args=[999999])).status_code == 404


# Adding and changing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["coord_client", "admin_client_role", "op_client"])
def test_it_adds_a_material_with_a_video_link(db, request, client_name):
    client = request.getfixturevalue(client_name)
    assert_clean_markup(client.get(CREATE).text)
    response = client.post(CREATE, form_data())
    material = Material.objects.get()
    assert response.status_code == 302
    assert response.url == detail(material)
    assert material.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert not material.file
    assert material.active
    assert material.created_by.username in {"coord", "admin_role", "op_a"}
    assert [t.code for t in material.topics.all()] == ["exploitation"]
    follow = client.get(response.url)
    assert "Video sulla tratta" in follow.text


def test_it_says_what_was_added(coord_client):
    response = coord_client.post(CREATE, form_data(), follow=True)
    assert "Material Video sulla tratta added." in response.text


def test_it_adds_https_to_a_link_typed_without_it(coord_client):
    coord_client.post(CREATE, form_data(url="vimeo.com/123456"))
    assert Material.objects.get().url == "https://vimeo.com/123456"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "http://www.youtube.com/watch?v=abc",
        "ftp://files.example.org/video.mp4",
        "file:///etc/passwd",
    ],
)
def test_it_refuses_links_that_are_not_https(coord_client, url):
    response = coord_client.post(CREATE, form_data(url=url))
    assert response.status_code == 200
    assert response.context["form"].has_error("url")
    assert not Material.objects.exists()


def test_it_explains_the_https_rule(coord_client):
    response = coord_client.post(CREATE, form_data(url="http://www.youtube.com/watch?v=abc"))
    assert "Give a secure web address starting with https://" in response.text


def test_it_asks_for_a_file_or_a_link(coord_client):
    response = coord_client.post(CREATE, form_data(url=""))
    assert response.status_code == 200
    assert "Upload a file or give a link: a material needs one of them." in response.text
    assert not Material.objects.exists()


def test_it_refuses_both_a_file_and_a_link(coord_client, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("kit.pdf", samples.pdf(), content_type="application/pdf")
    response = coord_client.post(CREATE, form_data(file=pdf))
    assert response.status_code == 200
    assert "A material has either a file or a link, not both." in response.text
    assert not Material.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_it_asks_for_a_language(coord_client):
    response = coord_client.post(CREATE, form_data(languages=[]))
    assert "Choose at least one language." in response.text
    assert not Material.objects.exists()


def test_it_does_not_offer_inactive_languages(coord_client, admin_user):
    somali = lang("so")
    material_services.language_set_active(language=somali, active=False, by=admin_user)
    form = coord_client.get(CREATE).context["form"]
    assert somali not in form.fields["languages"].queryset
    response = coord_client.post(CREATE, form_data(languages=[somali.pk]))
    assert response.context["form"].has_error("languages", code="invalid_choice")


def test_it_keeps_an_inactive_language_on_a_material_being_edited(coord_client, admin_user):
    material = factories.MaterialFactory(languages=[lang("so"), lang("en")])
    material_services.language_set_active(language=lang("so"), active=False, by=admin_user)
    assert lang("so") in coord_client.get(edit(material)).context["form"].fields["languages"].queryset
    coord_client.post(edit(material), form_data(languages=[lang("so").pk, lang("en").pk]))
    assert {x.code for x in material.languages.all()} == {"so", "en"}


def test_it_edits_a_material(coord_client, library):
    video = library["video"]
    page = coord_client.get(edit(video))
    assert page.status_code == 200
    assert "Edit Video: i tuoi diritti" in page.text
    response = coord_client.post(
        edit(video),
        form_data(title="Video: i tuoi diritti (2026)", languages=[lang("ar").pk], topics=[], url=video.url),
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.title == "Video: i tuoi diritti (2026)"
    assert [x.code for x in video.languages.all()] == ["ar"]
    assert not video.topics.exists()


def test_it_audits_changes_with_their_author(coord_client, coordinator, library):
    coord_client.post(edit(library["video"]), form_data(title="Nuovo titolo", url=library["video"].url))
    entry = LogEntry.objects.get_for_object(library["video"]).filter(action=LogEntry.Action.UPDATE).first()
    assert entry is not None
    assert entry.actor == coordinator


def test_it_switches_a_material_from_file_to_link(coord_client, media, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("kit.pdf", samples.pdf(), content_type="application/pdf")
    coord_client.post(CREATE, form_data(url="", file=pdf))
    material = Material.objects.get()
    stored = media / material.file.name
    refused = coord_client.post(edit(material), form_data(url="https://vimeo.com/1"))
    assert "A material has either a file or a link, not both." in refused.text
    with django_capture_on_commit_callbacks(execute=True):
        coord_client.post(edit(material), form_data(url="https://vimeo.com/1", remove_file="on"))
    material.refresh_from_db()
    assert (material.url, material.file.name, material.file_type, material.file_size) == (
        "https://vimeo.com/1",
        "",
        "",
        None,
    )
    assert not stored.exists()


def test_it_keeps_the_file_when_editing_other_fields(coord_client, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("kit.pdf", samples.pdf(), content_type="application/pdf")
    coord_client.post(CREATE, form_data(url="", file=pdf))
    material = Material.objects.get()
    name = material.file.name
    response = coord_client.post(edit(material), form_data(url="", title="Kit 2026"))
    assert response.status_code == 302
    material.refresh_from_db()
    assert (material.title, material.file.name) == ("Kit 2026", name)
    assert (media / name).exists()


def test_a_removed_file_must_be_replaced_by_a_link(coord_client, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("kit.pdf", samples.pdf(), content_type="application/pdf")
    coord_client.post(CREATE, form_data(url="", file=pdf))
    material = Material.objects.get()
    response = coord_client.post(edit(material), form_data(url="", remove_file="on"))
    assert "Upload a file or give a link: a material needs one of them." in response.text
    material.refresh_from_db()
    assert material.file


# Deactivating (never deleting) -----------------------------------------------------------------------------


def test_it_asks_before_deactivating(coord_client, library):
    url = reverse("materials:deactivate", args=[library["video"].pk])
    response = coord_client.get(url)
    assert response.status_code == 200
    assert "Deactivate Video: i tuoi diritti?" in response.text
    assert f'id="cancel" href="{detail(library["video"])}"' in response.text
    assert_clean_markup(response.text)
    library["video"].refresh_from_db()
    assert library["video"].active


def test_it_deactivates_on_post_and_keeps_sessions_that_used_it(coord_client, library):
    video = library["video"]
    session = GroupSession.objects.create(held_at=timezone.now(), host_centre=factories.PartnerBodyFactory())
    session.materials.add(video)
    response = coord_client.post(reverse("materials:deactivate", args=[video.pk]), follow=True)
    assert response.redirect_chain[-1][0] == detail(video)
    assert "Video: i tuoi diritti deactivated." in response.text
    video.refresh_from_db()
    assert not video.active
    assert list(session.materials.all()) == [video]


def test_a_deactivated_material_leaves_the_operators_library(op_client, coordinator, library):
    material_services.material_set_active(material=library["video"], active=False, by=coordinator)
    assert "Video: i tuoi diritti" not in titles(op_client.get(LIST))


def test_it_reactivates(coord_client, library):
    url = reverse("materials:reactivate", args=[library["old"].pk])
    assert "Reactivate Vecchio video?" in coord_client.get(url).text
    coord_client.post(url)
    library["old"].refresh_from_db()
    assert library["old"].active


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_does_nothing_when_already_inactive(coord_client, library, method):
    response = getattr(coord_client, method)(reverse("materials:deactivate", args=[library["old"].pk]), follow=True)
    assert response.redirect_chain[-1][0] == detail(library["old"])
    assert "Vecchio video is already inactive." in response.text


def test_there_is_no_way_to_delete_a_material():
    from materials.urls import urlpatterns

    assert not [p for p in urlpatterns if "delete" in str(p.pattern) or "delete" in (p.name or "")]


# Who may do what -------------------------------------------------------------------------------------------


def _manage_urls(material) -> list[str]:
    return [
        CREATE,
        edit(material),
        reverse("materials:deactivate", args=[material.pk]),
        reverse("materials:reactivate", args=[material.pk]),
    ]


def test_operators_get_404_on_every_changing_page(op_client, library):
    """They add materials, but only coordinators (and admins) change or retire them."""
    video = library["video"]
    for url in _manage_urls(video)[1:]:
        assert op_client.get(url).status_code == 404, url
        assert op_client.post(url, form_data(title="Cambiato")).status_code == 404, url
    video.refresh_from_db()
    assert (video.title, video.active) == ("Video: i tuoi diritti", True)
    assert Material.objects.count() == 4


@pytest.mark.parametrize("client_name", ["coord_client", "admin_client_role"])
def test_coordinators_and_admins_reach_every_managing_page(request, client_name, library):
    client = request.getfixturevalue(client_name)
    for url in _manage_urls(library["video"])[:3]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("materials:reactivate", args=[library["old"].pk])).status_code == 200


def test_anonymous_users_go_to_login_on_every_page(library):
    client = Client()
    urls = [LIST, detail(library["video"]), *_manage_urls(library["video"])]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url)
            assert response.url.startswith(reverse("login")), (method, url)


def test_it_never_renders_a_stored_unsafe_address_as_a_link(op_client):
    material = factories.MaterialFactory(url="javascript:alert(1)")  # e.g. written by a script, not the form
    response = op_client.get(detail(material))
    assert 'href="javascript:' not in response.text
