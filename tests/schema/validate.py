#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# validate.py - check JSON files against pued's schemas (doc/schema/), with
# python3-jsonschema, draft 2020-12; "$ref"s between the schemas resolve by
# their "$id"s, never over the network.
#
# Usage: validate.py SCHEMA_DIR FILE=SCHEMA[#POINTER]...
#   SCHEMA is a file name in SCHEMA_DIR (status.json, commands.json#/$defs/ack).
# Prints one line per file; exits 1 if any is invalid, 2 on bad usage.
import glob
import json
import os
import sys

import jsonschema


def main():
    if len(sys.argv) < 3:
        print(__doc__ or "usage: validate.py SCHEMA_DIR FILE=SCHEMA...", file=sys.stderr)
        return 2
    store = {}
    base = None
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
        with open(path) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        store[schema["$id"]] = schema
        base = schema["$id"].rsplit("/", 1)[0] + "/"
    bad = 0
    for arg in sys.argv[2:]:
        path, _, name = arg.partition("=")
        # The schema itself, not {"$ref": ...} around it: jsonschema 4.10
        # (Debian 12) would accept anything through such a wrapper.
        # Local "$ref"s ("#/$defs/...") resolve in the whole file, so the
        # file is the referrer even when NAME points into it.
        doc_name, _, pointer = name.partition("#")
        url = base + doc_name
        resolver = jsonschema.RefResolver(base_uri=url, referrer=store[url], store=store)
        schema = resolver.resolve_fragment(store[url], pointer) if pointer else store[url]
        validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
        with open(path) as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print(f"{os.path.basename(path)}: {name}: at {where}: {e.message}")
        if errors:
            bad += 1
        else:
            print(f"{os.path.basename(path)}: {name}: valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
