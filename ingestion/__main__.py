"""Small command line for the ingestion package.

    python -m ingestion dbt-sources   # regenerate dbt source YAML from sources.yml
    python -m ingestion sample-data   # regenerate the bundled sample files
"""

import sys

from .catalog import write_dbt_sources
from .sample_data import generate

COMMANDS = {
    "dbt-sources": lambda: [print(f"wrote {p}") for p in write_dbt_sources()],
    "sample-data": generate.main,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python -m ingestion {{{'|'.join(COMMANDS)}}}")
    COMMANDS[sys.argv[1]]()
