"""Writing a fixture document the way every generator here writes it: indented JSON, a final newline."""

import json
import os
import sys


def write_fixture(path, document, summary=None, stream=sys.stdout):
    """Write `document` to `path` as JSON (indent 1, trailing newline) and say what was written."""
    with open(path, "w") as fh:
        json.dump(document, fh, indent=1)
        fh.write("\n")
    detail = summary if summary is not None else f"{os.path.getsize(path)} bytes"
    print(f"wrote {path} ({detail})", file=stream)
