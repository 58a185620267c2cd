#!/usr/bin/env python3
"""Regenerates the geo reference tables bundled with the server from Debian's packages.

  subdivisions.tsv  country, ISO 3166-2 code, name, parent code, English name when the name is not English
                    (from iso-codes: /usr/share/iso-codes and its English translations)
  zones.tsv         country, latitude, longitude, IANA zone               (from tzdata's zone.tab, public domain)

Run: apt-get install -y iso-codes tzdata && python3 tools/gen-geo-data.py
"""
import gettext
import json
import os
import re

OUT = os.path.join(os.path.dirname(__file__), "..", "server", "src", "main", "resources", "io", "viewpulse", "ingest")


def coord(s, deg_digits):
    sign = -1 if s[0] == "-" else 1
    s = s[1:]
    d = int(s[:deg_digits])
    m = int(s[deg_digits:deg_digits + 2])
    sec = int(s[deg_digits + 2:deg_digits + 4]) if len(s) > deg_digits + 2 else 0
    return sign * (d + m / 60 + sec / 3600)


def main():
    subs = json.load(open("/usr/share/iso-codes/json/iso_3166-2.json"))["3166-2"]
    english = gettext.translation("iso_3166-2", "/usr/share/locale", languages=["en"])
    with open(os.path.join(OUT, "subdivisions.tsv"), "w") as f:
        f.write("# ISO 3166-2 subdivisions, from Debian iso-codes (LGPL-2.1+); see tools/gen-geo-data.py\n")
        for s in sorted(subs, key=lambda s: s["code"]):
            en = english.gettext(s["name"])
            f.write("\t".join([s["code"].split("-")[0], s["code"], s["name"], s.get("parent", ""),
                                en if en != s["name"] else ""]) + "\n")
    with open(os.path.join(OUT, "zones.tsv"), "w") as f:
        f.write("# country, latitude, longitude, zone: tzdata zone.tab (public domain); see tools/gen-geo-data.py\n")
        for line in open("/usr/share/zoneinfo/zone.tab"):
            if line.startswith("#"):
                continue
            cc, coords, zone = line.rstrip("\n").split("\t")[:3]
            m = re.match(r"([+-]\d+)([+-]\d+)", coords)
            lat, lon = m.group(1), m.group(2)
            f.write("%s\t%.4f\t%.4f\t%s\n" % (cc, coord(lat, 2), coord(lon, 3), zone))


if __name__ == "__main__":
    main()
