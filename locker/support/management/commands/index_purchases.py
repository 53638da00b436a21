"""Note the purchases in linked customers' lockers, so support can find them by purchase id.

New pages are noted as they arrive from 7digital (see locker.support.purchases); this command
fills the index for customers who haven't opened their locker since support search was added.
It reads every page of each locker through the normal loader (cache, relink handling and all).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from locker.loader import load_locker
from locker.models import SevenDigitalLink
from locker.query import LockerQuery
from locker.sevendigital.types import MAX_PAGE_SIZE


class Command(BaseCommand):
    help = "Walk linked customers' lockers so their purchase ids can be searched in the admin."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", help="only this customer (their Locker email address)")

    def handle(self, *args, email: str | None = None, **options) -> None:
        links = SevenDigitalLink.objects.select_related("user").filter(needs_relink=False).order_by("pk")
        if email:
            links = links.filter(user__email__iexact=email)
            if not links.exists():
                raise CommandError(f"No customer with a healthy 7digital link has the email {email}")
        for link in links.iterator():
            pages = self._walk(link)
            self.stdout.write(f"{link.user.email or link.user.get_username()}: {pages} page(s)")

    def _walk(self, link: SevenDigitalLink) -> int:
        page, seen = 1, 0
        while True:
            # refresh=True: only a page fetched from 7digital is noted (cached copies already were).
            result = load_locker(link, LockerQuery(page=page, page_size=MAX_PAGE_SIZE), refresh=True)
            if result.error or result.page is None:
                self.stderr.write(f"  stopped at page {page}: {result.error or 'no answer'}")
                return seen
            seen += 1
            if page * MAX_PAGE_SIZE >= result.page.total_items:
                return seen
            page += 1
