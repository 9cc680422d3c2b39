"""Pages of a long list: which page was asked, what it holds, and the links around it."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PAGE = 1_000_000  # far beyond any course run; keeps OFFSET arithmetic small


def page_number(raw: str | None) -> int:
    """The page asked for in a query string: 1 when absent, malformed or below 1."""
    text = (raw or "").strip()
    if not text.isdigit() or not text.isascii():
        return 1
    return min(max(int(text), 1), MAX_PAGE)


@dataclass(frozen=True)
class Page:
    """Page `number` (from 1) of `total` items, `size` per page."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages (1 for an empty list, so page 1 always exists)."""
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        """Items before this page."""
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        """Position of the page's first item (0 when the list is empty)."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        """Position of the page's last item."""
        return min(self.offset + self.size, self.total)

    def clamped(self) -> Page:
        """The same request moved onto the last page when it asked beyond it."""
        return Page(min(self.number, self.pages), self.size, self.total)

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last and `around` each side; None is a gap."""
        keep = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        out: list[int | None] = []
        for n in sorted(k for k in keep if 1 <= k <= self.pages):
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def page_size(config) -> int:
    """MENTOR_PAGE_SIZE, at least 1."""
    return max(1, int(config["MENTOR_PAGE_SIZE"]))
