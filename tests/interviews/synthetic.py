"""Synthetic indicator lists for tests: clearly fake words, never shipped, never a real indicator."""

from __future__ import annotations

from interviews import indicators as rule
from interviews.models import CatalogueVersion, Indicator
from interviews.versions.io import Row

ABBR = {
    "deceptive_recruitment": "dr",
    "coercive_recruitment": "cr",
    "abusive_recruitment": "ar",
    "exploitation": "ex",
    "coercion_at_destination": "cd",
    "abuse_at_destination": "ad",
}


def synthetic_rows(audience: str = "adult", exploitation: str = "sexual", per_cell: int = 1) -> list[Row]:
    """``per_cell`` rows for each dimension × strength, with SYNTHETIC texts."""
    rows = []
    for d_index, dimension in enumerate(rule.DIMENSIONS, start=1):
        number = 0
        for strength in rule.STRENGTHS:
            for _ in range(per_cell):
                number += 1
                code = f"{audience}-{exploitation}-{ABBR[dimension]}-{number:02d}"
                rows.append(
                    Row(
                        f"{audience}-{exploitation}",
                        dimension,
                        strength,
                        d_index * 100 + number,
                        code,
                        f"SYNTHETIC test indicator {code}",
                        f"Indicatore FITTIZIO di prova {code}",
                    )
                )
    return rows


def synthetic_version(
    audience: str = "adult", exploitation: str = "sexual", *, status: str = "in_use", per_cell: int = 1, **extra
) -> CatalogueVersion:
    version = CatalogueVersion.objects.create(
        audience=audience,
        exploitation=exploitation,
        name=f"SYNTHETIC {audience} {exploitation} list",
        label=extra.pop("label", "test 1"),
        source_title="SYNTHETIC source for tests",
        status=status,
        **extra,
    )
    Indicator.objects.bulk_create(
        [
            Indicator(
                version=version,
                audience=audience,
                exploitation=exploitation,
                code=r.code,
                dimension=r.dimension,
                strength=r.strength,
                position=r.position,
                text_en=r.text_en,
                text_it=r.text_it,
            )
            for r in synthetic_rows(audience, exploitation, per_cell)
        ]
    )
    return version
