"""Whether the interviewer and the interpreter are of the person's sex, as the asylum guidelines ask.

Computed from the person's gender and, where known, the sex of the operators present and of the mediator;
``None`` when one side is not known. The operator may record another answer, with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable

# The person's gender, read as the sex an interviewer of the same sex would have (unknown otherwise).
PERSON_SEX = {"female": "female", "trans_woman": "female", "male": "male", "trans_man": "male"}


def interviewer_same_sex(person_gender: str, operator_sexes: Iterable[str]) -> bool | None:
    """True when every operator present whose sex is known is of the person's sex; False when one is not."""
    person = PERSON_SEX.get(person_gender)
    known = [s for s in operator_sexes if s in ("female", "male")]
    if person is None or not known:
        return None
    return all(s == person for s in known)


def interpreter_same_sex(person_gender: str, mediator_sex: str, *, has_mediator: bool) -> bool | None:
    person = PERSON_SEX.get(person_gender)
    if person is None or not has_mediator or mediator_sex not in ("female", "male"):
        return None
    return mediator_sex == person
