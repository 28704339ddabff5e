"""Small command line for the ingestion package.

    python -m ingestion generate      # regenerate what is derived from sources.yml and the seeds
    python -m ingestion sample-data   # regenerate the bundled sample files
"""

import sys

from .codegen import write_generated
from .sample_data import generate

COMMANDS = {
    "generate": lambda: [print(f"wrote {p}") for p in write_generated()],
    "sample-data": generate.main,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m ingestion {{{'|'.join(COMMANDS)}}}")
    COMMANDS[sys.argv[1]]()
