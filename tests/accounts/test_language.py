from __future__ import annotations

from django.urls import reverse


def test_it_switches_the_interface_to_english_for_this_user(op_client, operator, referral_a):
    response = op_client.post(reverse("set_language"), {"language": "en", "next": reverse("referrals:mine")})
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:mine")
    operator.refresh_from_db()
    assert operator.language == "en"
    page = op_client.get(reverse("referrals:mine"))
    assert page["Content-Language"] == "en"
    assert "My referrals" in page.text


def test_italian_stays_the_default_for_other_users(op_client, op_b_client, operator):
    op_client.post(reverse("set_language"), {"language": "en"})
    assert op_b_client.get(reverse("referrals:mine"))["Content-Language"] == "it"


def test_it_refuses_an_unknown_language(op_client, operator):
    op_client.post(reverse("set_language"), {"language": "xx"})
    operator.refresh_from_db()
    assert operator.language == "it"


def test_it_does_not_redirect_off_site(op_client):
    response = op_client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
