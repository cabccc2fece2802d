#!/usr/bin/env python3
"""Generate assets/reference/countries.csv: every ISO 3166-1 entry (249) with
ISO alpha-3/alpha-2 codes, UN M49 numeric code, English/Spanish short names,
UN M49 region/sub-region and a '|'-separated list of aliases.

Rerun (from the repo root):

    pip install -r scripts/reference/requirements.txt && \
        python3 scripts/reference/countries.py > assets/reference/countries.csv

The CSV goes to stdout; a verification summary goes to stderr. The script is
deterministic: it reads only data files shipped inside the pinned packages
below (no network), rows are sorted by iso3 and alias order is fixed by source
priority.

Data sources (pinned here and in requirements.txt; the script refuses to run
with other versions because the output would silently change):

  pycountry 26.2.16        ISO 3166-1 list (the 249 rows), alpha-2/alpha-3,
                           ISO short / official / common English names, and the
                           iso-codes Spanish gettext catalog ('iso3166-1', es).
  babel 2.18.0 (CLDR 47)   Short territory display names in en and es
                           (babel.Locale(lang).territories[alpha2]).
  hdx-python-country 4.2.5 Ships OCHA's "Countries & Territories Taxonomy" CSV,
                           which carries the UN M49 numeric code, the M49
                           Region / Sub-region / Intermediate Region names and
                           the UNSD M49 English/Spanish names. Only that CSV is
                           read; the package's code is not imported.
  country-converter 1.3.2  Independent cross-check of ISO/M49 codes and of the
                           M49 sub-region ('UNregion' column); its 'name_short'
                           is used as an alias. Only its TSV is read (the
                           library itself breaks on pandas 3).

Column rules:
  region     M49 region (Africa, Americas, Asia, Europe, Oceania); empty where
             M49 assigns none (Antarctica).
  subregion  M49 sub-region, except that for "Latin America and the Caribbean"
             and "Sub-Saharan Africa" the M49 intermediate region is used
             (Caribbean / Central America / South America; Eastern / Middle /
             Southern / Western Africa). The intermediate region "Channel
             Islands" (GGY, JEY) is NOT used: they stay "Northern Europe".
  name_en    CLDR English short name, except where CLDR's English display style
             uses UI abbreviations ("&", "St.", "SAR China", "Congo - Kinshasa",
             "Myanmar (Burma)", ...) -- see EN_NAME_OVERRIDES.
  name_es    CLDR Spanish short name, except ES_NAME_OVERRIDES.
  aliases    Curated extras (EXTRA_ALIASES) first, then the names from the
             sources in the order of alias_candidates(); deduplicated
             case-insensitively, never equal to the row's name_en / name_es.
"""

import csv
import gettext
import importlib.metadata as md
import re
import sys
from collections import Counter

PINNED = {
    "pycountry": "26.2.16",
    "babel": "2.18.0",
    "hdx-python-country": "4.2.5",
    "country-converter": "1.3.2",
}
for _dist, _ver in PINNED.items():
    _have = md.version(_dist)
    if _have != _ver:
        sys.exit(f"countries.py: {_dist}=={_have} installed, pinned {_ver}; "
                 "pip install -r scripts/reference/requirements.txt")

import babel  # noqa: E402
import pycountry  # noqa: E402

HDX_CSV = "hdx/location/Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"
COCO_TSV = "country_converter/country_data.tsv"

REGIONS = {"Africa", "Americas", "Asia", "Europe", "Oceania"}
# M49 sub-regions that are replaced by their intermediate region (see brief).
USE_INTERMEDIATE = {"Latin America and the Caribbean", "Sub-Saharan Africa"}

# CLDR's English display names use UI abbreviations ("&", "St.", "U.S.") and
# disambiguators ("Congo - Kinshasa", "Hong Kong SAR China", "Myanmar (Burma)",
# "Palestinian Territories") that are poor as data names. We replace them with
# the plain short form found in ISO 3166 / UN M49 (pycountry name or HDX "English
# Short"), keeping CLDR's diacritics. The original CLDR form is kept as alias.
#  - CIV: ASCII apostrophe as in the ISO 3166 short name (and the brief);
#    CLDR's typographic "Côte d’Ivoire" stays as alias and as name_es.
#  - PSE: "Palestine" is CLDR's alt="short" form (babel does not expose alts).
#  - COG: "Congo" is the ISO / M49 / CLDR-es short name.
EN_NAME_OVERRIDES = {
    "ATG": "Antigua and Barbuda",
    "BIH": "Bosnia and Herzegovina",
    "BLM": "Saint Barthélemy",
    "CIV": "Côte d'Ivoire",
    "COD": "Democratic Republic of the Congo",
    "COG": "Congo",
    "HKG": "Hong Kong",
    "HMD": "Heard Island and McDonald Islands",
    "KNA": "Saint Kitts and Nevis",
    "LCA": "Saint Lucia",
    "MAC": "Macao",
    "MAF": "Saint Martin",
    "MMR": "Myanmar",
    "PSE": "Palestine",
    "SGS": "South Georgia and the South Sandwich Islands",
    "SHN": "Saint Helena",
    "SJM": "Svalbard and Jan Mayen",
    "SPM": "Saint Pierre and Miquelon",
    "STP": "São Tomé and Príncipe",
    "TCA": "Turks and Caicos Islands",
    "TTO": "Trinidad and Tobago",
    "UMI": "United States Minor Outlying Islands",
    "VCT": "Saint Vincent and the Grenadines",
    "WLF": "Wallis and Futuna",
}
# Same idea for CLDR Spanish: drop the "RAE de ... (China)" / "(Birmania)"
# disambiguators, and use the short "Palestina" to match name_en.
ES_NAME_OVERRIDES = {
    "HKG": "Hong Kong",
    "MAC": "Macao",
    "MMR": "Myanmar",
    "PSE": "Palestina",
}

# Curated aliases not present (or not in this spelling) in the packages:
# common English exonyms / former names, Spanish usage, and the World Bank
# (WDI) naming style, which many statistical sources use. Listed first so
# that their capitalisation wins the case-insensitive dedup.
EXTRA_ALIASES = {
    "USA": ["United States of America", "USA", "US", "U.S.", "U.S.A.",
            "Estados Unidos de América", "EE. UU.", "EE.UU.", "EEUU"],
    "GBR": ["UK", "Great Britain", "Britain", "Gran Bretaña"],
    "BOL": ["Bolivia (Plurinational State of)", "Plurinational State of Bolivia",
            "Estado Plurinacional de Bolivia"],
    "VEN": ["Venezuela (Bolivarian Republic of)", "República Bolivariana de Venezuela",
            "Venezuela, RB"],
    "BHS": ["Bahamas, The", "The Bahamas"],
    "GMB": ["Gambia, The", "The Gambia"],
    "CIV": ["Ivory Coast", "Costa de Marfil"],
    "TUR": ["Turkey", "Turkiye"],
    "SWZ": ["Swaziland", "Suazilandia"],
    "CZE": ["Czech Republic", "República Checa"],
    "MKD": ["Macedonia"],
    "MMR": ["Burma", "Birmania"],
    "TLS": ["East Timor", "Timor Oriental"],
    "COD": ["DRC", "Congo, Dem. Rep.", "Congo (Kinshasa)"],
    "COG": ["Republic of the Congo", "Congo, Rep.", "Congo (Brazzaville)"],
    "KOR": ["Korea, Rep."],
    "PRK": ["Korea, Dem. People's Rep."],
    "EGY": ["Egypt, Arab Rep."],
    "IRN": ["Iran, Islamic Rep."],
    "YEM": ["Yemen, Rep."],
    "LAO": ["Lao PDR"],
    "FSM": ["Micronesia, Fed. Sts."],
    "HKG": ["Hong Kong SAR, China"],
    "MAC": ["Macao SAR, China", "Macau"],
    "PSE": ["West Bank and Gaza", "State of Palestine"],
    "VAT": ["Vatican"],
}

# Known disagreements between country-converter's M49 sub-region and the HDX
# (UN M49) one. HDX wins; anything not listed here aborts the run.
COCO_REGION_DISAGREEMENTS = {
    # UNSD M49 lists Nauru (520) under Micronesia (057); coco says Polynesia.
    "NRU": "Polynesia",
    # coco uses a pseudo-region "Antarctica"; M49 assigns Antarctica (010) none.
    "ATA": "Antarctica",
}


def package_file(dist, rel):
    """Path of a data file shipped in an installed distribution (no import)."""
    path = md.distribution(dist).locate_file(rel)
    if not path.exists():
        sys.exit(f"countries.py: {rel} not found in {dist}")
    return path


def read_hdx():
    with open(package_file("hdx-python-country", HDX_CSV), encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["ISO 3166-1 Alpha 3-Codes"]]
    return {r["ISO 3166-1 Alpha 3-Codes"]: r for r in rows}


def read_coco():
    with open(package_file("country-converter", COCO_TSV), encoding="utf-8", newline="") as f:
        return {r["ISO3"]: r for r in csv.DictReader(f, delimiter="\t")}


def clean(s):
    return " ".join((s or "").split())


def strip_the(s):
    # HDX "English Formal" reads "the Plurinational State of Bolivia"; a few
    # pycountry official names also start with a lowercase "the ".
    return s[4:] if s.startswith("the ") else s


def alias_candidates(a3, c, h, k, es_tr, cldr_en, cldr_es):
    """All alias candidates for one country, in priority order."""
    out = list(EXTRA_ALIASES.get(a3, []))
    # English
    out += [cldr_en,                                   # CLDR original (if overridden)
            h["M49 English"],                          # UNSD M49 name
            getattr(c, "official_name", ""),           # ISO official name
            c.name,                                    # ISO short name
            getattr(c, "common_name", ""),
            h["English Short"], h["Preferred Term"],   # UNTERM / OCHA
            h["English Formal"],
            h["DGACM Alt Term"], h["HPC Tools Alt Term"], h["RW Short Name"],
            k["name_short"] if k else ""]              # country-converter
    # Spanish
    out += [cldr_es,                                   # CLDR original (if overridden)
            h["M49 Spanish"], h["Spanish Short"]]      # UNSD M49 / UNTERM
    for attr in ("official_name", "name", "common_name"):   # iso-codes es
        v = getattr(c, attr, "")
        if v:
            out.append(es_tr.gettext(v))
    return out


def build_rows():
    hdx = read_hdx()
    coco = read_coco()
    es_tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
    loc_en = babel.Locale("en").territories
    loc_es = babel.Locale("es").territories

    rows = []
    for c in sorted(pycountry.countries, key=lambda x: x.alpha_3):
        a3, a2 = c.alpha_3, c.alpha_2
        h = hdx.get(a3)
        if h is None:
            sys.exit(f"countries.py: {a3} missing from HDX taxonomy")
        k = coco.get(a3)

        # --- codes: ISO numeric == M49 for every ISO country; cross-check.
        if h["ISO 3166-1 Alpha 2-Codes"] != a2:
            sys.exit(f"{a3}: alpha-2 {a2} (pycountry) vs {h['ISO 3166-1 Alpha 2-Codes']} (HDX)")
        m49 = f"{int(h['m49 numerical code']):03d}"
        if m49 != c.numeric:
            sys.exit(f"{a3}: M49 {m49} (HDX) vs ISO numeric {c.numeric} (pycountry)")
        if k:
            if not re.fullmatch(k["ISO2"], a2) or f"{int(k['ISOnumeric']):03d}" != m49:
                sys.exit(f"{a3}: country-converter codes disagree: {k['ISO2']} {k['ISOnumeric']}")
            # coco leaves UNcode empty for Taiwan (not listed by UNSD); else must match.
            if k["UNcode"] and f"{int(k['UNcode']):03d}" != m49:
                sys.exit(f"{a3}: country-converter UNcode {k['UNcode']} != {m49}")

        # --- region / subregion (UN M49 via HDX)
        region = h["Region Name"]
        sub = h["Sub-region Name"]
        subregion = h["Intermediate Region Name"] if sub in USE_INTERMEDIATE else sub
        if region and region not in REGIONS:
            sys.exit(f"{a3}: unexpected region {region!r}")
        if bool(region) != bool(subregion):
            sys.exit(f"{a3}: region {region!r} / subregion {subregion!r}")
        if k and k["UNregion"] != subregion and COCO_REGION_DISAGREEMENTS.get(a3) != k["UNregion"]:
            sys.exit(f"{a3}: subregion {subregion!r} (HDX) vs {k['UNregion']!r} (country-converter)")

        # --- names
        cldr_en, cldr_es = loc_en[a2], loc_es[a2]
        name_en = EN_NAME_OVERRIDES.get(a3, cldr_en)
        name_es = ES_NAME_OVERRIDES.get(a3, cldr_es)
        # Guard: a new CLDR with more display-style names must be reviewed.
        for bad in ("&", "St. ", " - ", "SAR", "’"):
            if bad in name_en:
                sys.exit(f"{a3}: review name_en {name_en!r} (add to EN_NAME_OVERRIDES)")
        if "RAE " in name_es:
            sys.exit(f"{a3}: review name_es {name_es!r} (add to ES_NAME_OVERRIDES)")

        # --- aliases
        seen = {name_en.casefold(), name_es.casefold()}
        aliases = []
        for a in alias_candidates(a3, c, h, k, es_tr, cldr_en, cldr_es):
            a = strip_the(clean(a))
            if not a or a.casefold() in seen:
                continue
            if "|" in a:
                sys.exit(f"{a3}: alias contains '|': {a!r}")
            seen.add(a.casefold())
            aliases.append(a)

        rows.append({
            "iso3": a3, "iso2": a2, "m49": m49,
            "name_en": name_en, "name_es": name_es,
            "region": region, "subregion": subregion,
            "aliases": "|".join(aliases),
        })
    return rows


SPOT = {
    "South America": "ARG BOL BRA CHL COL ECU GUY PRY PER SUR URY VEN FLK",
    "Central America": "BLZ CRI SLV GTM HND MEX NIC PAN",
    "Northern America": "CAN USA GRL",
    "Caribbean": "CUB DOM HTI JAM LCA TTO BHS BRB",
}


def verify(rows):
    """Assertions + a summary on stderr."""
    err = sys.stderr
    assert len(rows) == 249, len(rows)
    for col in ("iso3", "iso2", "m49"):
        dup = [v for v, n in Counter(r[col] for r in rows).items() if n > 1]
        assert not dup, (col, dup)
    assert all(r["name_en"] and r["name_es"] for r in rows)
    by = {r["iso3"]: r for r in rows}
    for sub, codes in SPOT.items():
        for a3 in codes.split():
            assert by[a3]["region"] == "Americas" and by[a3]["subregion"] == sub, by[a3]
    for r in rows:
        al = r["aliases"].split("|") if r["aliases"] else []
        assert len({a.casefold() for a in al}) == len(al), r
        assert not {r["name_en"], r["name_es"]} & set(al), r

    print(f"rows: {len(rows)}", file=err)
    print("empty region: " + ", ".join(r["iso3"] for r in rows if not r["region"]), file=err)
    for reg, n in sorted(Counter(r["region"] for r in rows if r["region"]).items()):
        print(f"  {reg}: {n}", file=err)
    for sub, n in sorted(Counter(r["subregion"] for r in rows if r["region"] == "Americas").items()):
        print(f"  Americas / {sub}: {n}", file=err)
    # Names/aliases shared by more than one row (informational).
    owners = {}
    for r in rows:
        for s in [r["name_en"], r["name_es"]] + (r["aliases"].split("|") if r["aliases"] else []):
            owners.setdefault(s.casefold(), set()).add(r["iso3"])
    shared = {s: sorted(o) for s, o in owners.items() if len(o) > 1}
    print(f"names shared across rows: {shared or 'none'}", file=err)


def main():
    rows = build_rows()
    verify(rows)
    out = sys.stdout
    out.reconfigure(encoding="utf-8", newline="")
    w = csv.DictWriter(out, fieldnames=["iso3", "iso2", "m49", "name_en", "name_es",
                                        "region", "subregion", "aliases"],
                       lineterminator="\n")
    w.writeheader()
    w.writerows(rows)


if __name__ == "__main__":
    main()
