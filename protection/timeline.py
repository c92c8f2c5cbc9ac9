"""One entry of a pathway's chronology: what every part of the pathway (and its services) adds to it.

A module of its own so that the parts and the services build entries without importing the pathway's
selectors, which read them back (no import circle).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass
class TimelineItem:
    date: datetime.date
    kind: str
    kind_label: str
    summary: str
    part: str = ""  # the part's name in ``pathway_parts`` URLs ("" when not editable there)
    pk: int | None = None  # the record the edit link opens
    secret_address: str = ""  # set only for the pathway's assigned operators
    rank: int = 0
    edit_url: str = ""  # set by the view for users who may change the pathway
    review_url: str = ""  # for a plan goal: add a dated review
    approved: bool = False  # for a plan goal: approved by a coordinator
    approve_url: str = ""  # for a plan goal not yet approved, set by the view for coordinators

    @property
    def sort_key(self):
        return (self.date, self.rank, self.pk or 0)
