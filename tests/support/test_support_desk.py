"""The admin as the site's support desk: its name, a customers list that fits, readable audit
entries and the preferred format by name."""

from __future__ import annotations

from datetime import UTC, datetime

from pytest_django.asserts import assertContains

from locker.models import AccountSettings
from locker.support.models import AuditEntry
from tests.markup import classes, element, elements, text


def test_the_admin_is_named_for_the_site(support_client, settings):
    html = support_client.get("/admin/").content.decode()
    assert "Locker support" in html and "Django administration" not in html
    assert text(element(html, "title")) == "Support desk | Locker support"


def test_the_customers_list_leaves_the_nav_sidebar_out_and_leads_with_the_email(support_client, customer):
    html = support_client.get("/admin/auth/user/").content.decode()
    assert 'id="nav-sidebar"' not in html
    headers = [
        c.removeprefix("column-")
        for th in elements(html, "th", scope="col")
        for c in classes(th)
        if c.startswith("column-")
    ]
    assert headers[:3] == ["email", "username", "link_status"]


def audit_entry(customer, **details) -> AuditEntry:
    return AuditEntry.objects.create(
        staff_username="helen",
        customer=customer,
        customer_email=customer.email,
        action=AuditEntry.Action.LOOKUP,
        details=details,
        ip_address="127.0.0.1",
        created_at=datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
    )


def test_audit_details_are_name_value_pairs_with_full_times(support_client, customer):
    audit_entry(customer, page=2, sort="purchaseDate desc", linked=True, search={"q": "tide", "state": ""})
    response = support_client.get("/admin/support/auditentry/")
    assertContains(
        response,
        '<dl class="audit-details"><dt>page</dt><dd>2</dd><dt>sort</dt><dd>purchaseDate desc</dd>'
        "<dt>linked</dt><dd>Yes</dd><dt>search.q</dt><dd>tide</dd><dt>search.state</dt><dd></dd></dl>",
        html=True,
    )
    assert (
        '<time datetime="2026-03-04T05:06:07+00:00">4 Mar 2026, 05:06:07 UTC</time>'
        in response.content.decode()
    )
    assert "{&quot;page&quot;" not in response.content.decode()  # no raw JSON


def test_an_audit_entry_shows_its_details_as_indented_json(support_client, customer):
    entry = audit_entry(customer, page=2, search={"q": "tide"})
    html = support_client.get(f"/admin/support/auditentry/{entry.pk}/change/").content.decode()
    assert (
        '<pre class="audit-json">{\n  &quot;page&quot;: 2,\n  &quot;search&quot;: {\n    &quot;q&quot;: &quot;tide&quot;\n  }\n}</pre>'
        in html
    )


def test_without_a_chosen_format_support_sees_the_default_the_customer_gets(support_client, linked_customer):
    response = support_client.get(f"/admin/auth/user/{linked_customer.pk}/locker/")
    assertContains(
        response, "<dt>Preferred format</dt><dd>MP3 320 (the default; none chosen)</dd>", html=True
    )


def test_the_preferred_format_is_shown_by_name(support_client, linked_customer):
    AccountSettings.objects.update_or_create(user=linked_customer, defaults={"download_format": "FLAC"})
    response = support_client.get(f"/admin/auth/user/{linked_customer.pk}/locker/")
    assertContains(response, "<dt>Preferred format</dt><dd>FLAC</dd>", html=True)
