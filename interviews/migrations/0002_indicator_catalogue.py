"""The ILO/EU operational indicators of trafficking in human beings (2009) as reference data.

Source and edition: ILO and European Commission, *Operational indicators of trafficking in human beings.
Results from a Delphi survey implemented by the ILO and the European Commission*, International Labour
Office, Geneva, first published March 2009, revised version of September 2009 (ILO document WCMS_105023).
Four lists (adults and children, labour and sexual exploitation), six dimensions each, every indicator
strong, medium or weak.

What this migration holds, and what it does not (read before relying on the catalogue):

- Adults, labour exploitation: 67 indicators (10 + 10 + 16 + 9 + 15 + 7), the counts per dimension that
  published summaries of the brochure give.
- Children, labour exploitation: 65 indicators (10 + 10 + 15 + 8 + 15 + 7): the children's list has no
  "False information about law, attitude of authorities" and no "No social protection", and no weak indicator.
- Adults and children, SEXUAL exploitation: NOT INCLUDED. The full text of these two lists could not be
  retrieved when this migration was written, and indicators are never written from memory. Add them (a new
  data migration, or the catalogue pages) from the brochure itself, pages 3 and 4.

The labour lists were transcribed from a secondary tabulation of the brochure, not from the PDF: the
explanatory glosses that tabulation added in brackets were dropped, so the English wording is the
brochure's short indicator line. To check against the PDF before the catalogue is relied on: the exact
punctuation of each line, and, for adults, the strength of "Difficulties in the past" and "Difficulty to
organise the travel" under recruitment by abuse of vulnerability (medium here; possibly weak in the
brochure). Admins correct text and strength on the catalogue pages; codes stay.

Codes are audience-exploitation-dimension-number (``adult-labour-dr-01``); positions order each list by
dimension, then strong, medium, weak. Italian texts are this service's translation, in the words of the
Italian anti-trafficking field. The data stays in this file: a migration never imports app code.
"""

from django.db import migrations

ABBREVIATIONS = {
    "deceptive_recruitment": "dr",
    "coercive_recruitment": "cr",
    "abusive_recruitment": "ar",
    "exploitation": "ex",
    "coercion_at_destination": "cd",
    "abuse_at_destination": "ad",
}
DIMENSION_ORDER = list(ABBREVIATIONS)

# English (the brochure's line) -> Italian.
ITALIAN = {
    # Deceptive recruitment (incl. transfer and transport)
    "Deceived about the nature of the job, location or employer": (
        "Ingannata/o sulla natura del lavoro, sul luogo o sul datore di lavoro"
    ),
    "Deceived about conditions of work": "Ingannata/o sulle condizioni di lavoro",
    "Deceived about content or legality of work contract": (
        "Ingannata/o sul contenuto o sulla legalità del contratto di lavoro"
    ),
    "Deceived about family reunification": "Ingannata/o sul ricongiungimento familiare",
    "Deceived about housing and living conditions": "Ingannata/o sull'alloggio e sulle condizioni di vita",
    "Deceived about legal documentation or obtaining legal migration status": (
        "Ingannata/o sui documenti o sull'ottenimento di un regolare titolo di soggiorno"
    ),
    "Deceived about travel and recruitment conditions": ("Ingannata/o sulle condizioni del viaggio e del reclutamento"),
    "Deceived about wages/earnings": "Ingannata/o sulla retribuzione/sui guadagni",
    "Deceived through promises of marriage or adoption": "Ingannata/o con promesse di matrimonio o di adozione",
    "Deceived about access to education opportunities": ("Ingannata/o sulle possibilità di accesso all'istruzione"),
    # Coercive recruitment, and coercion at destination
    "Violence on victims": "Violenza sulla vittima",
    "Abduction, forced marriage, forced adoption or selling of victim": (
        "Rapimento, matrimonio forzato, adozione forzata o vendita della vittima"
    ),
    "Confiscation of documents": "Sottrazione dei documenti",
    "Debt bondage": "Servitù per debiti",
    "Isolation, confinement or surveillance": "Isolamento, segregazione o sorveglianza",
    "Threat of denunciation to authorities": "Minaccia di denuncia alle autorità",
    "Threats of violence against victim": "Minacce di violenza contro la vittima",
    "Threats to inform family, community or public": (
        "Minaccia di informare la famiglia, la comunità o l'opinione pubblica"
    ),
    "Violence on family (threats or effective)": "Violenza sulla famiglia (minacciata o effettiva)",
    "Withholding of money": "Trattenuta di denaro",
    "Forced into illicit/criminal activities": "Costretta/o ad attività illecite/criminali",
    "Forced tasks or clients": "Mansioni o clienti imposti",
    "Forced to act against peers": "Costretta/o ad agire contro i propri pari",
    "Forced to lie to authorities, family, etc.": "Costretta/o a mentire alle autorità, alla famiglia, ecc.",
    "Threat to impose even worse working conditions": "Minaccia di imporre condizioni di lavoro ancora peggiori",
    "Under strong influence": "Sotto forte condizionamento",
    "Withholding of wages": "Trattenuta della retribuzione",
    # Recruitment by abuse of vulnerability, and abuse of vulnerability at destination
    "Abuse of difficult family situation": "Approfittamento di una situazione familiare difficile",
    "Abuse of illegal status": "Approfittamento della condizione di irregolarità",
    "Abuse of lack of education (language)": "Approfittamento della scarsa istruzione (lingua)",
    "Abuse of lack of information": "Approfittamento della mancanza di informazioni",
    "Control of exploiters": "Controllo da parte degli sfruttatori",
    "Difficulties in the past": "Difficoltà vissute in passato",
    "Difficulty to organise the travel": "Difficoltà a organizzare il viaggio",
    "Economic reasons": "Motivi economici",
    "False information about law, attitude of authorities": (
        "Informazioni false sulla legge e sull'atteggiamento delle autorità"
    ),
    "False information about successful migration": "Informazioni false sul successo della migrazione",
    "Family situation": "Situazione familiare",
    "Personal situation": "Situazione personale",
    "Psychological and emotional dependency": "Dipendenza psicologica ed emotiva",
    "Relationship with authorities/legal status": "Rapporto con le autorità/condizione giuridica",
    "Abuse of cultural/religious beliefs": "Approfittamento di credenze culturali/religiose",
    "General context": "Contesto generale",
    "Dependency on exploiters": "Dipendenza dagli sfruttatori",
    "Difficulty to live in an unknown area": "Difficoltà a vivere in un luogo sconosciuto",
    "Personal characteristics": "Caratteristiche personali",
    # Exploitative conditions of work
    "Excessive working days or hours": "Giornate o orari di lavoro eccessivi",
    "Bad living conditions": "Cattive condizioni di vita",
    "Hazardous work": "Lavoro pericoloso",
    "Low or no salary": "Retribuzione bassa o assente",
    "No respect of labour laws or contract signed": ("Mancato rispetto delle leggi sul lavoro o del contratto firmato"),
    "No social protection (contract, social insurance, etc.)": (
        "Nessuna tutela sociale (contratto, previdenza sociale, ecc.)"
    ),
    "Very bad working conditions": "Condizioni di lavoro pessime",
    "Wage manipulation": "Manipolazione della retribuzione",
    "No access to education": "Nessun accesso all'istruzione",
}

# (audience, exploitation) -> dimension -> strength -> indicators, in the brochure's order.
CATALOGUE = {
    ("adult", "labour"): {
        "deceptive_recruitment": {
            "strong": ["Deceived about the nature of the job, location or employer"],
            "medium": [
                "Deceived about conditions of work",
                "Deceived about content or legality of work contract",
                "Deceived about family reunification",
                "Deceived about housing and living conditions",
                "Deceived about legal documentation or obtaining legal migration status",
                "Deceived about travel and recruitment conditions",
                "Deceived about wages/earnings",
                "Deceived through promises of marriage or adoption",
            ],
            "weak": ["Deceived about access to education opportunities"],
        },
        "coercive_recruitment": {
            "strong": ["Violence on victims"],
            "medium": [
                "Abduction, forced marriage, forced adoption or selling of victim",
                "Confiscation of documents",
                "Debt bondage",
                "Isolation, confinement or surveillance",
                "Threat of denunciation to authorities",
                "Threats of violence against victim",
                "Threats to inform family, community or public",
                "Violence on family (threats or effective)",
                "Withholding of money",
            ],
            "weak": [],
        },
        "abusive_recruitment": {
            "strong": [],
            "medium": [
                "Abuse of difficult family situation",
                "Abuse of illegal status",
                "Abuse of lack of education (language)",
                "Abuse of lack of information",
                "Control of exploiters",
                "Difficulties in the past",
                "Difficulty to organise the travel",
                "Economic reasons",
                "False information about law, attitude of authorities",
                "False information about successful migration",
                "Family situation",
                "Personal situation",
                "Psychological and emotional dependency",
                "Relationship with authorities/legal status",
            ],
            "weak": [
                "Abuse of cultural/religious beliefs",
                "General context",
            ],
        },
        "exploitation": {
            "strong": ["Excessive working days or hours"],
            "medium": [
                "Bad living conditions",
                "Hazardous work",
                "Low or no salary",
                "No respect of labour laws or contract signed",
                "No social protection (contract, social insurance, etc.)",
                "Very bad working conditions",
                "Wage manipulation",
            ],
            "weak": ["No access to education"],
        },
        "coercion_at_destination": {
            "strong": [
                "Confiscation of documents",
                "Debt bondage",
                "Isolation, confinement or surveillance",
                "Violence on victims",
            ],
            "medium": [
                "Forced into illicit/criminal activities",
                "Forced tasks or clients",
                "Forced to act against peers",
                "Forced to lie to authorities, family, etc.",
                "Threat of denunciation to authorities",
                "Threat to impose even worse working conditions",
                "Threats of violence against victim",
                "Under strong influence",
                "Violence on family (threats or effective)",
                "Withholding of wages",
            ],
            "weak": ["Threats to inform family, community or public"],
        },
        "abuse_at_destination": {
            "strong": [],
            "medium": [
                "Dependency on exploiters",
                "Difficulty to live in an unknown area",
                "Economic reasons",
                "Family situation",
                "Relationship with authorities/legal status",
            ],
            "weak": [
                "Difficulties in the past",
                "Personal characteristics",
            ],
        },
    },
    ("child", "labour"): {
        "deceptive_recruitment": {
            "strong": [
                "Deceived about access to education opportunities",
                "Deceived about the nature of the job, location or employer",
            ],
            "medium": [
                "Deceived about conditions of work",
                "Deceived about content or legality of work contract",
                "Deceived about family reunification",
                "Deceived about housing and living conditions",
                "Deceived about legal documentation or obtaining legal migration status",
                "Deceived about travel and recruitment conditions",
                "Deceived about wages/earnings",
                "Deceived through promises of marriage or adoption",
            ],
            "weak": [],
        },
        "coercive_recruitment": {
            "strong": [
                "Abduction, forced marriage, forced adoption or selling of victim",
                "Debt bondage",
                "Threats of violence against victim",
                "Violence on victims",
            ],
            "medium": [
                "Confiscation of documents",
                "Isolation, confinement or surveillance",
                "Threat of denunciation to authorities",
                "Threats to inform family, community or public",
                "Violence on family (threats or effective)",
                "Withholding of money",
            ],
            "weak": [],
        },
        "abusive_recruitment": {
            "strong": [],
            "medium": [
                "Abuse of cultural/religious beliefs",
                "Abuse of difficult family situation",
                "Abuse of illegal status",
                "Abuse of lack of education (language)",
                "Abuse of lack of information",
                "Control of exploiters",
                "Difficulties in the past",
                "Difficulty to organise the travel",
                "Economic reasons",
                "False information about successful migration",
                "Family situation",
                "General context",
                "Personal situation",
                "Psychological and emotional dependency",
                "Relationship with authorities/legal status",
            ],
            "weak": [],
        },
        "exploitation": {
            "strong": ["Excessive working days or hours"],
            "medium": [
                "Bad living conditions",
                "Hazardous work",
                "Low or no salary",
                "No access to education",
                "No respect of labour laws or contract signed",
                "Very bad working conditions",
                "Wage manipulation",
            ],
            "weak": [],
        },
        "coercion_at_destination": {
            "strong": [
                "Confiscation of documents",
                "Debt bondage",
                "Forced into illicit/criminal activities",
                "Forced tasks or clients",
                "Isolation, confinement or surveillance",
                "Threats of violence against victim",
                "Under strong influence",
                "Violence on victims",
            ],
            "medium": [
                "Forced to act against peers",
                "Forced to lie to authorities, family, etc.",
                "Threat of denunciation to authorities",
                "Threat to impose even worse working conditions",
                "Threats to inform family, community or public",
                "Violence on family (threats or effective)",
                "Withholding of wages",
            ],
            "weak": [],
        },
        "abuse_at_destination": {
            "strong": [],
            "medium": [
                "Dependency on exploiters",
                "Difficulties in the past",
                "Difficulty to live in an unknown area",
                "Economic reasons",
                "Family situation",
                "Personal characteristics",
                "Relationship with authorities/legal status",
            ],
            "weak": [],
        },
    },
}


def rows():
    """Every indicator of the catalogue as the field values of one row, codes included."""
    for (audience, exploitation), dimensions in CATALOGUE.items():
        for d_index, dimension in enumerate(DIMENSION_ORDER, start=1):
            number = 0
            for strength in ("strong", "medium", "weak"):
                for text_en in dimensions[dimension][strength]:
                    number += 1
                    yield {
                        "code": f"{audience}-{exploitation}-{ABBREVIATIONS[dimension]}-{number:02d}",
                        "audience": audience,
                        "exploitation": exploitation,
                        "dimension": dimension,
                        "strength": strength,
                        "text_en": text_en,
                        "text_it": ITALIAN[text_en],
                        "position": d_index * 100 + number,
                        "active": True,
                    }


def load(apps, schema_editor):
    Indicator = apps.get_model("interviews", "Indicator")
    for row in rows():
        code = row.pop("code")
        Indicator.objects.update_or_create(code=code, defaults=row)


def unload(apps, schema_editor):
    Indicator = apps.get_model("interviews", "Indicator")
    Indicator.objects.filter(code__in=[row["code"] for row in rows()]).delete()


class Migration(migrations.Migration):
    dependencies = [("interviews", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
