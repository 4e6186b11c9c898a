"""``python -m cxresearch report FILE --outcome ... --drivers ...`` (see cxresearch.reporting)."""

import sys

from .reporting import main

if __name__ == "__main__":
    sys.exit(main())
