"""One look for every success message: a Django message, a card hidden by htmx, the page hiding
shows without JavaScript."""

from __future__ import annotations

import pytest

from locker.library import search
from tests.library.helpers import MP3, add_release

pytestmark = pytest.mark.django_db
SUCCESS = 'class="notice notice-success" role="status"'


@pytest.fixture
def ada(client, django_user_model):
    user = django_user_model.objects.create_user("ada", "ada@example.com", "x")
    add_release(user, 1001, "Hero of the Day", "Skillet Meridian", [("Monster", 5, (MP3,))])
    search.reindex(user.pk)
    client.force_login(user)
    return user


def test_a_saved_choice_says_so_in_the_success_style(client, ada):
    page = client.post("/locker/account/time-zone/", {"time_zone": "Europe/Berlin"}, follow=True)
    assert (
        '<p class="notice notice-success">Times are now shown in Europe/Berlin.</p>' in page.content.decode()
    )


@pytest.mark.parametrize("htmx", [True, False])
def test_hiding_a_release_says_so_in_the_same_style(client, ada, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    html = client.post("/locker/releases/1001/hide/", headers=headers).content.decode()
    assert SUCCESS in html
