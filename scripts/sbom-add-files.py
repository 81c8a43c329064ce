#!/usr/bin/env python3
"""sbom-add-files.py SBOM FONTDIR FONTLIST — print the CycloneDX SBOM with
the font files of the image (FONTDIR, copied out of it) added as file
components: path in the image, SHA-256, and the Debian package that
FONTLIST (pdf/fonts.txt) names for each. cyclonedx-gomod sees only Go
modules."""
import hashlib
import json
import os
import sys

sbom_path, font_dir, font_list = sys.argv[1:4]
with open(sbom_path) as f:
    bom = json.load(f)
packages = {}
with open(font_list) as f:
    for line in f:
        parts = line.split()
        if len(parts) == 2 and not parts[0].startswith("#"):
            packages[os.path.basename(parts[1])] = parts[0]
components = bom.setdefault("components", [])
if os.path.isdir(font_dir):
    for name in sorted(os.listdir(font_dir)):
        with open(os.path.join(font_dir, name), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        path = "/usr/share/fonts/prana/" + name
        comp = {
            "type": "file",
            "bom-ref": "file:" + path,
            "name": path,
            "hashes": [{"alg": "SHA-256", "content": digest}],
        }
        # The images carry each font gzip-compressed, as name.ttf.gz.
        listed = name[:-3] if name.endswith(".gz") else name
        if listed in packages:
            comp["description"] = "font file from the Debian package " + packages[listed]
            comp["properties"] = [{"name": "debian:package", "value": packages[listed]}]
        components.append(comp)
json.dump(bom, sys.stdout, indent=2)
sys.stdout.write("\n")
