"""``python -m django_imbrace.sandbox [--host H] [--port P] [--seed S] [--print-codes]``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
