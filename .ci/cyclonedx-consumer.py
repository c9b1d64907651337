"""Reads CycloneDX documents the way a consumer does: cyclonedx-python-lib
(the CycloneDX project's Python library, what Dependency-Track's tooling
family builds on) validates each file against its own copy of the schema
and, for JSON, deserializes it into its model.

usage: python3 .ci/cyclonedx-consumer.py FILE...   (names end in
.VERSION.cdx.json or .VERSION.cdx.xml)
"""

import json
import re
import sys

from cyclonedx.model.bom import Bom
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import make_schemabased_validator

failed = 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    m = re.search(r"\.(\d\.\d)\.cdx\.(json|xml)$", path)
    if not m:
        sys.exit(f"{path}: name must end in .VERSION.cdx.json or .VERSION.cdx.xml")
    version, xml = m.group(1), m.group(2) == "xml"
    schema = SchemaVersion.from_version(version)
    validator = make_schemabased_validator(OutputFormat.XML if xml else OutputFormat.JSON, schema)
    error = validator.validate_str(text)
    if error:
        print(f"{path}: not valid CycloneDX {version}: {str(error).splitlines()[0]}")
        failed += 1
        continue
    if not xml:
        bom = Bom.from_json(json.loads(text))
        if bom.metadata.component is None or not bom.components:
            print(f"{path}: read back without its subject or components")
            failed += 1
            continue
        print(f"{path}: valid, {len(bom.components)} components, {len(bom.vulnerabilities)} vulnerabilities")
    else:
        print(f"{path}: valid")
sys.exit(1 if failed else 0)
